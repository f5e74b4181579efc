using System.Numerics.Tensors;
using CommunityToolkit.HighPerformance;
using EdgeBert.Format;
using EdgeBert.Kernels;
using EdgeBert.Kernels.Elementwise;
using EdgeBert.Kernels.Float;
using EdgeBert.Kernels.Packing;
using EdgeBert.Runtime;

namespace EdgeBert.Encoder;

/// <summary>
/// The fixed BERT encoder (ARCHITECTURE.md "Encoder"): embeddings, L × [attention, FFN] with
/// residuals and post-LayerNorm, pooler and FP32 classifier, configured from metadata; the
/// quantization rules are in docs/inference.md. Immutable after load and shared by sessions;
/// reads the word embedding from the file it was built from, which must stay open while it is used.
/// </summary>
internal sealed class BertEncoder
{
    /// <summary>The second half of a split word embedding (BinaryBERT).</summary>
    public const string WordSplitName = "embeddings.word.split";

    private readonly EmbeddingTable _word;
    private readonly EmbeddingTable? _wordSplit;
    private readonly float[] _position, _tokenType, _embeddingGamma, _embeddingBeta;
    private readonly EncoderLayer[] _layers;
    private readonly QuantizedLinear? _pooler;
    private readonly float[]? _classifierWeight, _classifierBias;
    private readonly SgemmKernel _sgemm;

    public BertEncoder(EbmFile file, KernelIsa isa)
    {
        var binder = new TensorBinder(file, isa);
        _sgemm = Sgemm.Create(isa);
        var meta = file.Metadata;
        Architecture = meta.Architecture;
        int h = Hidden, f = Architecture.FfnSize, a = Architecture.AttentionWidth;
        Labels = meta.Labels;

        var word = binder.Require("embeddings.word", Architecture.VocabSize, h);
        binder.RequireDType(word, "the word embedding", EbmDType.F32, EbmDType.Ternary, EbmDType.Binary);
        _word = new EmbeddingTable(file, word);
        // BinaryBERT's split embedding: a second binary table whose row is added to the first's.
        if (file.TryGetTensor(WordSplitName, out _))
        {
            var split = binder.Require(WordSplitName, Architecture.VocabSize, h);
            binder.RequireDType(split, "the split word embedding", EbmDType.Binary);
            _wordSplit = new EmbeddingTable(file, split);
        }
        _position = binder.F32("embeddings.position", Architecture.MaxPositions, h);
        _tokenType = binder.F32("embeddings.token_type", Architecture.TypeVocabSize, h);
        _embeddingGamma = binder.F32("embeddings.ln.gamma", h);
        _embeddingBeta = binder.F32("embeddings.ln.beta", h);

        _layers = new EncoderLayer[Architecture.Layers];
        for (int i = 0; i < _layers.Length; i++)
        {
            var scheme = LinearSchemes.FromLayer(meta.Layers[i]) ?? throw binder.Error(
                $"layer {i} has weight bits {meta.Layers[i].WeightBits} and activation bits {meta.Layers[i].ActivationBits}; " +
                "the runtime supports W32A32 (fp32), W8A8, W2A8, W1A8, W1A4 and W1A1", $"metadata, layers[{i}]");
            string p = $"layer.{i}";
            _layers[i] = new EncoderLayer
            {
                Index = i,
                Scheme = scheme,
                Query = binder.Linear($"{p}.attention.query", scheme, a, h),
                Key = binder.Linear($"{p}.attention.key", scheme, a, h),
                Value = binder.Linear($"{p}.attention.value", scheme, a, h),
                Output = binder.Linear($"{p}.attention.output", scheme, h, a),
                AttentionGamma = binder.F32($"{p}.attention.ln.gamma", h),
                AttentionBeta = binder.F32($"{p}.attention.ln.beta", h),
                FfnIn = binder.Linear($"{p}.ffn.in", scheme, f, h),
                // After ReLU the FFN-out input is non-negative: a static A4 step then codes [0, 15].
                FfnOut = binder.Linear($"{p}.ffn.out", scheme, h, f, unsignedInput: Architecture.Activation == FfnActivation.Relu),
                FfnGamma = binder.F32($"{p}.ffn.ln.gamma", h),
                FfnBeta = binder.F32($"{p}.ffn.ln.beta", h),
                SignNames = [$"{p}.attention.input.signs", $"{p}.attention.query.signs", $"{p}.attention.key.signs", $"{p}.attention.value.signs"],
            };
        }

        if (Architecture.Pooling == PoolingKind.Pooler)
        {
            var info = binder.Require("pooler.weight", h, h);
            _pooler = binder.Linear("pooler", PoolerScheme(info.DType, _layers.Length == 0 ? LinearScheme.Fp32 : _layers[^1].Scheme), h, h);
        }
        if (Labels.Count > 0)
        {
            _classifierWeight = binder.F32("classifier.weight", Labels.Count, h);
            _classifierBias = binder.F32("classifier.bias", Labels.Count);
        }
    }

    public BertArchitecture Architecture { get; }

    public IReadOnlyList<string> Labels { get; }

    public int Hidden => Architecture.HiddenSize;

    /// <summary>Layer schemes, in order.</summary>
    public IEnumerable<LinearScheme> Schemes => _layers.Select(l => l.Scheme);

    /// <summary>
    /// The pooler's scheme follows its stored dtype; a binary pooler takes the activation bits of
    /// the last layer (W1A1 after a W1A1 layer, etc.), as BiBERT binarizes the pooler too.
    /// </summary>
    internal static LinearScheme PoolerScheme(EbmDType dtype, LinearScheme last) => dtype switch
    {
        EbmDType.F32 => LinearScheme.Fp32,
        EbmDType.I8 => LinearScheme.W8A8,
        EbmDType.Ternary => LinearScheme.W2A8,
        _ => last is LinearScheme.W1A1 or LinearScheme.W1A4 or LinearScheme.W1A8 ? last : LinearScheme.W1A8,
    };

    /// <summary>
    /// Runs the encoder on one sequence; the last hidden states end in <see cref="EncoderScratch.Hidden"/>.
    /// </summary>
    public void Encode(ReadOnlySpan<int> ids, ReadOnlySpan<int> typeIds, EncoderScratch s, int threads, IEncoderTrace? trace = null,
        ForwardProfile? profile = null)
    {
        int tokens = ids.Length, h = Hidden;
        if (tokens < 1) throw new ArgumentException("A sequence needs at least one token.", nameof(ids));
        if (tokens > Architecture.MaxPositions || tokens > s.MaxTokens)
        {
            throw new ArgumentException($"{tokens} tokens exceed the model's {Math.Min(Architecture.MaxPositions, s.MaxTokens)} positions.", nameof(ids));
        }
        if (!typeIds.IsEmpty && typeIds.Length != tokens)
        {
            throw new ArgumentException($"{typeIds.Length} token type ids for {tokens} tokens.", nameof(typeIds));
        }
        Span<float> hidden = s.Hidden.AsSpan(0, tokens * h);
        s.Linear.Profile = profile;
        profile?.Start();
        // Each LayerNorm also packs sign(hidden) when the next step is a sign-binarized GEMM.
        bool packed = _layers.Length > 0 && TakesPackedHidden(_layers[0]);
        Embed(ids, typeIds, hidden, packed ? s.InputSigns.AsSpan(0, BinaryLayout.MatrixWords(tokens, h)) : default, threads);
        profile?.Lap(ForwardStep.Embedding);
        for (int i = 0; i < _layers.Length; i++)
        {
            bool nextPacked = i + 1 < _layers.Length && TakesPackedHidden(_layers[i + 1]);
            RunLayer(_layers[i], tokens, s, packed, nextPacked, threads, trace);
            packed = nextPacked;
        }
    }

    /// <summary>Whether the layer's first step reads sign(hidden) packed (W1A1 Q/K/V with Bi-Attention).</summary>
    private bool TakesPackedHidden(EncoderLayer layer) =>
        Architecture.Attention == AttentionKind.BiAttention && layer.Scheme == LinearScheme.W1A1;

    /// <summary>Whether the FFN runs fused on packed bits: W1A1 in and out, GELU between (sign of GELU from FFN-in's epilogue).</summary>
    private bool FusesFfn(EncoderLayer layer) =>
        Architecture.Activation == FfnActivation.Gelu
        && layer.FfnIn is BinaryLinear { Scheme: LinearScheme.W1A1 } && layer.FfnOut is BinaryLinear { Scheme: LinearScheme.W1A1 };

    private void Embed(ReadOnlySpan<int> ids, ReadOnlySpan<int> typeIds, Span<float> hidden, Span<ulong> signs, int threads)
    {
        int h = Hidden;
        for (int t = 0; t < ids.Length; t++)
        {
            int type = typeIds.IsEmpty ? 0 : typeIds[t];
            if ((uint)type >= (uint)Architecture.TypeVocabSize)
            {
                throw new ArgumentOutOfRangeException(nameof(typeIds), $"Token type {type} at position {t} is outside the {Architecture.TypeVocabSize} types.");
            }
            Span<float> row = hidden.Slice(t * h, h);
            row.Clear();
            _word.AddRow(ids[t], row);
            _wordSplit?.AddRow(ids[t], row);
            TensorPrimitives.Add(row, _position.AsSpan(t * h, h), row);
            TensorPrimitives.Add(row, _tokenType.AsSpan(type * h, h), row);
        }
        ExactLayerNorm.Apply(hidden, default, ids.Length, h, _embeddingGamma, _embeddingBeta, Architecture.LayerNormEps, signs, threads);
    }

    /// <param name="layer">The layer.</param>
    /// <param name="tokens">Sequence length.</param>
    /// <param name="s">Scratch; <see cref="EncoderScratch.InputSigns"/> holds sign(hidden) when <paramref name="inputPacked"/>.</param>
    /// <param name="inputPacked">The previous LayerNorm already packed sign(hidden) into InputSigns.</param>
    /// <param name="packOutput">The last LayerNorm packs sign(hidden) into InputSigns for the next layer.</param>
    /// <param name="threads">Threads.</param>
    /// <param name="trace">Optional trace of packed bits.</param>
    private void RunLayer(EncoderLayer layer, int tokens, EncoderScratch s, bool inputPacked, bool packOutput, int threads, IEncoderTrace? trace)
    {
        int h = Hidden, n = tokens * h, f = Architecture.FfnSize, a = Architecture.AttentionWidth;
        Span<float> hidden = s.Hidden.AsSpan(0, n), context = s.Context.AsSpan(0, tokens * a), sum = s.Sum.AsSpan(0, n);
        var lin = s.Linear;
        var profile = lin.Profile;
        if (Architecture.Attention == AttentionKind.BiAttention)
        {
            int words = BinaryLayout.MatrixWords(tokens, h);
            Span<ulong> q = s.QuerySigns.AsSpan(0, words), k = s.KeySigns.AsSpan(0, words), v = s.ValueSigns.AsSpan(0, words);
            if (layer.Scheme == LinearScheme.W1A1)
            {
                // sign(x) once for Q, K and V, staged once by the kernel; the fused epilogues write sign(Q), sign(K), sign(V) directly.
                Span<ulong> input = s.InputSigns.AsSpan(0, words);
                if (!inputPacked)
                {
                    SignPacking.Pack(((ReadOnlySpan<float>)hidden).AsSpan2D(tokens, h), input);
                    profile?.Lap(ForwardStep.Quantize);
                }
                trace?.Bits(layer.SignNames[0], input);
                BinaryLinear.ForwardSigns((BinaryLinear)layer.Query, (BinaryLinear)layer.Key, (BinaryLinear)layer.Value, input, tokens, q, k, v, threads);
                profile?.Lap(ForwardStep.QkvGemm);
            }
            else
            {
                SignsOf(layer.Query, hidden, tokens, s.Query, q, lin, threads);
                SignsOf(layer.Key, hidden, tokens, s.Query, k, lin, threads);
                SignsOf(layer.Value, hidden, tokens, s.Query, v, lin, threads);
            }
            trace?.Bits(layer.SignNames[1], q);
            trace?.Bits(layer.SignNames[2], k);
            trace?.Bits(layer.SignNames[3], v);
            BiAttention.Compute(q, k, v, tokens, h, Architecture.Heads, s.BiAttention, context, threads);
        }
        else
        {
            if (layer.Query is Int8InputLinear query && layer.Key is Int8InputLinear key && layer.Value is Int8InputLinear value)
            {
                // Q, K and V read the same hidden states: one quantization for the three GEMMs.
                query.QuantizeInput(hidden, tokens, lin, threads);
                query.ForwardQuantized(tokens, s.Query, lin, threads);
                profile?.Lap(ForwardStep.QkvGemm);
                key.ForwardQuantized(tokens, s.Key, lin, threads);
                profile?.Lap(ForwardStep.QkvGemm);
                value.ForwardQuantized(tokens, s.Value, lin, threads);
            }
            else
            {
                layer.Query.Forward(hidden, tokens, s.Query, lin, threads);
                profile?.Lap(ForwardStep.QkvGemm);
                layer.Key.Forward(hidden, tokens, s.Key, lin, threads);
                profile?.Lap(ForwardStep.QkvGemm);
                layer.Value.Forward(hidden, tokens, s.Value, lin, threads);
            }
            profile?.Lap(ForwardStep.QkvGemm);
            SoftmaxAttention.Compute(_sgemm, s.Query, s.Key, s.Value, tokens, a, Architecture.Heads, Architecture.HeadDim, s.Scores, context, threads);
        }
        profile?.Lap(ForwardStep.Attention);
        layer.Output.Forward(context, tokens, sum, lin, threads);
        profile?.Lap(ForwardStep.OutputGemm);
        bool fusedFfn = FusesFfn(layer);
        Span<ulong> hiddenSigns = s.InputSigns.AsSpan(0, BinaryLayout.MatrixWords(tokens, h));
        ExactLayerNorm.Apply(hidden, sum, tokens, h, layer.AttentionGamma, layer.AttentionBeta, Architecture.LayerNormEps,
            fusedFfn ? hiddenSigns : default, threads);
        profile?.Lap(ForwardStep.ResidualLayerNorm);

        if (fusedFfn)
        {
            // W1A1: the LayerNorm packed FFN-in's input; FFN-in's epilogue writes sign(gelu(y)) as
            // FFN-out's packed input (no floats, no GELU pass, no packing pass).
            var ffnIn = (BinaryLinear)layer.FfnIn;
            var ffnOut = (BinaryLinear)layer.FfnOut;
            Span<ulong> ffnSigns = lin.Signs.AsSpan(0, BinaryLayout.MatrixWords(tokens, f));
            ffnIn.ForwardGeluSigns(hiddenSigns, tokens, ffnSigns, threads);
            profile?.Lap(ForwardStep.FfnInGemm);
            ffnOut.ForwardFromSigns(ffnSigns, tokens, sum, threads);
            profile?.Lap(ForwardStep.FfnOutGemm);
        }
        else
        {
            RunFloatFfn(layer, tokens, s, threads);
        }
        ExactLayerNorm.Apply(hidden, sum, tokens, h, layer.FfnGamma, layer.FfnBeta, Architecture.LayerNormEps,
            packOutput ? hiddenSigns : default, threads);
        profile?.Lap(ForwardStep.ResidualLayerNorm);
    }

    /// <summary>FFN-in, the activation as a float pass, FFN-out (which quantizes its own input).</summary>
    private void RunFloatFfn(EncoderLayer layer, int tokens, EncoderScratch s, int threads)
    {
        int h = Hidden, f = Architecture.FfnSize;
        Span<float> hidden = s.Hidden.AsSpan(0, tokens * h), sum = s.Sum.AsSpan(0, tokens * h);
        var lin = s.Linear;
        var profile = lin.Profile;
        Span<float> ffn = s.Ffn.AsSpan(0, tokens * f);
        layer.FfnIn.Forward(hidden, tokens, ffn, lin, threads);
        profile?.Lap(ForwardStep.FfnInGemm);
        if (Architecture.Activation == FfnActivation.Relu) Activations.Relu(ffn, ffn);
        else GeluRows.Apply(ffn, tokens, f, threads);
        profile?.Lap(ForwardStep.FfnActivation);
        layer.FfnOut.Forward(ffn, tokens, sum, lin, threads);
        profile?.Lap(ForwardStep.FfnOutGemm);
    }

    private static void SignsOf(QuantizedLinear linear, ReadOnlySpan<float> x, int tokens, Span<float> y, Span<ulong> signs, LinearScratch lin, int threads)
    {
        int h = linear.N;
        linear.Forward(x, tokens, y, lin, threads);
        lin.Profile?.Lap(ForwardStep.QkvGemm);
        SignPacking.Pack(((ReadOnlySpan<float>)y.Slice(0, tokens * h)).AsSpan2D(tokens, h), signs);
    }

    /// <summary>The sequence embedding per the model's pooling, into <see cref="EncoderScratch.Pooled"/>.</summary>
    public void Pool(int tokens, EncoderScratch s, int threads)
    {
        int h = Hidden;
        Span<float> pooled = s.Pooled;
        switch (Architecture.Pooling)
        {
            case PoolingKind.Mean:
                pooled.Clear();
                for (int t = 0; t < tokens; t++) TensorPrimitives.Add(pooled, s.Hidden.AsSpan(t * h, h), pooled);
                TensorPrimitives.Multiply(pooled, 1f / tokens, pooled);
                break;
            case PoolingKind.Cls:
                s.Hidden.AsSpan(0, h).CopyTo(pooled);
                break;
            default:
                _pooler!.Forward(s.Hidden.AsSpan(0, h), 1, s.PoolerOutput, s.Linear, threads);
                Activations.Tanh(s.PoolerOutput, pooled);
                break;
        }
    }

    /// <summary>FP32 classifier on <see cref="EncoderScratch.Pooled"/>; returns the arg-max label (first on ties).</summary>
    public int Classify(EncoderScratch s)
    {
        if (_classifierWeight is null) throw new InvalidOperationException("This model has no labels: it is an encoder only (use Embed or Encode).");
        int h = Hidden, c = Labels.Count;
        Span<float> logits = s.Logits.AsSpan(0, c);
        for (int j = 0; j < c; j++) logits[j] = TensorPrimitives.Dot(s.Pooled, _classifierWeight.AsSpan(j * h, h)) + _classifierBias![j];
        return TensorPrimitives.IndexOfMax(logits);
    }
}
