using CommunityToolkit.HighPerformance;
using EdgeBert.Encoder;
using EdgeBert.Text;

namespace EdgeBert.Runtime;

/// <summary>
/// Scratch buffers, a tokenizer and a thread count for running a <see cref="Model"/>: one per
/// thread (a session is not thread-safe; the model is). Scratch is allocated on the first call,
/// for a short first input at a short length, and grown once to the full length when a longer
/// input comes; apart from that nothing is allocated per call: results are structs and arrays
/// come from the caller.
/// </summary>
public sealed partial class Session
{
    private readonly BertEncoder _encoder;
    private EncoderScratch? _scratch;
    private readonly BertTokenizer _tokenizer;
    private readonly int[] _ids, _typeIds;

    /// <summary>A session for <paramref name="model"/>.</summary>
    public Session(Model model, SessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.ThrowIfDisposed();
        options ??= new SessionOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Threads, 1, nameof(options.Threads));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Threads, SessionOptions.MaxThreads, nameof(options.Threads));
        // 3 tokens: [CLS], at least one piece of text, [SEP].
        if (options.MaxLength is { } limit && (limit < MinMaxLength || limit > model.MaxLength))
        {
            throw new ArgumentOutOfRangeException(nameof(options), limit, $"MaxLength must be {MinMaxLength} to the model's {model.MaxLength} tokens (or null for the model's).");
        }
        Model = model;
        Threads = options.Threads;
        Overlong = options.Overlong;
        Aggregation = options.Aggregation;
        MaxLength = options.MaxLength ?? model.MaxLength;
        _encoder = model.Encoder;
        _tokenizer = new BertTokenizer(model.Vocabulary, model.TokenizerOptions(options.Overlong) with { MaxLength = MaxLength });
        _ids = new int[MaxLength];
        _typeIds = new int[MaxLength];
    }

    /// <summary>The smallest <see cref="SessionOptions.MaxLength"/>: [CLS], one piece of text, [SEP].</summary>
    public const int MinMaxLength = 3;

    /// <summary>The model this session runs.</summary>
    public Model Model { get; }

    /// <summary>Threads the kernels use.</summary>
    public int Threads { get; }

    /// <summary>What happens to over-long input.</summary>
    public OverlongInput Overlong { get; }

    /// <summary>How the windows' scores combine when <see cref="Overlong"/> is <see cref="OverlongInput.Windows"/>.</summary>
    public WindowAggregation Aggregation { get; }

    /// <summary>Longest sequence in tokens ([CLS] and [SEP] included) of every call: <see cref="SessionOptions.MaxLength"/>, else the model's.</summary>
    public int MaxLength { get; }

    /// <summary>Observes packed intermediate bits (parity tests).</summary>
    internal IEncoderTrace? Trace { get; set; }

    /// <summary>
    /// When set, every forward pass of this session adds its time per step to this profile
    /// (<c>edgebert bench --profile</c>); null (the default) records nothing.
    /// </summary>
    public ForwardProfile? Profile { get; set; }

    /// <summary>Tokenizes <paramref name="text"/> as the model does ([CLS] text [SEP], truncated or failing per <see cref="Overlong"/>).</summary>
    /// <returns>The number of ids written; buffers of <see cref="MaxLength"/> entries always suffice.</returns>
    public int Tokenize(ReadOnlySpan<char> text, Span<int> ids, Span<int> typeIds, out bool truncated) =>
        _tokenizer.Encode(text, ids, typeIds, out truncated);

    /// <summary>
    /// Classifies one text; the logits (one per label; for several windows, the aggregated ones)
    /// are copied to <paramref name="logits"/> when it is not empty. A text longer than
    /// <see cref="MaxLength"/> is classified whole over windows, truncated or refused, per <see cref="Overlong"/>.
    /// </summary>
    /// <exception cref="InputTooLongException">The text is too long and the session fails on over-long input.</exception>
    public Classification Classify(ReadOnlySpan<char> text, Span<float> logits = default)
    {
        if (Overlong == OverlongInput.Windows) return ClassifyWindows(_tokenizer.EncodePieces(text, ref _pieces), logits);
        int tokens = TokenizeInto(text, out bool truncated);
        return ClassifyTokens(_ids.AsSpan(0, tokens), _typeIds.AsSpan(0, tokens), logits, truncated);
    }

    /// <summary>Classifies a sentence pair ([CLS] text [SEP] pair [SEP], token types 0 then 1), as GLUE pair tasks.</summary>
    /// <exception cref="InputTooLongException">The pair is too long and the session fails on over-long input.</exception>
    public Classification ClassifyPair(ReadOnlySpan<char> text, ReadOnlySpan<char> pair, Span<float> logits = default)
    {
        int tokens = _tokenizer.EncodePair(text, pair, _ids, _typeIds, out bool truncated);
        return ClassifyTokens(_ids.AsSpan(0, tokens), _typeIds.AsSpan(0, tokens), logits, truncated);
    }

    /// <summary>Classifies UTF-8 text (the C ABI's input); invalid UTF-8 throws <see cref="ArgumentException"/> naming the byte offset.</summary>
    /// <exception cref="InputTooLongException">The text is too long and the session fails on over-long input.</exception>
    public Classification ClassifyUtf8(ReadOnlySpan<byte> text, Span<float> logits = default)
    {
        if (Overlong == OverlongInput.Windows) return ClassifyWindows(_tokenizer.EncodePiecesUtf8(text, ref _pieces), logits);
        int tokens = _tokenizer.EncodeUtf8(text, _ids, _typeIds, out bool truncated);
        return ClassifyTokens(_ids.AsSpan(0, tokens), _typeIds.AsSpan(0, tokens), logits, truncated);
    }

    /// <summary>The sequence embedding of UTF-8 text; see <see cref="Embed(ReadOnlySpan{char}, Span{float})"/>.</summary>
    public EncodeResult EmbedUtf8(ReadOnlySpan<byte> text, Span<float> embedding)
    {
        ThrowIfShort(embedding.Length, Model.HiddenSize, nameof(embedding));
        int tokens = _tokenizer.EncodeUtf8(text, _ids, _typeIds, out bool truncated);
        return EmbedTokens(tokens, truncated, embedding);
    }

    /// <summary>
    /// Classifies several texts, each at its own length (no padding to the longest).
    /// <paramref name="logits"/> is empty or [texts, labels].
    /// </summary>
    public void ClassifyBatch(IReadOnlyList<string> texts, Span<Classification> results, Span2D<float> logits = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (results.Length < texts.Count) throw new ArgumentException($"Results span has {results.Length} entries for {texts.Count} texts.", nameof(results));
        if (!logits.IsEmpty && (logits.Height < texts.Count || logits.Width != Model.Labels.Count))
        {
            throw new ArgumentException($"Logits are [{logits.Height}, {logits.Width}]; expected [{texts.Count}, {Model.Labels.Count}].", nameof(logits));
        }
        for (int i = 0; i < texts.Count; i++)
        {
            results[i] = Classify(texts[i] ?? throw new ArgumentException($"Text {i} is null.", nameof(texts)), logits.IsEmpty ? default : logits.GetRowSpan(i));
        }
    }

    /// <summary>Classifies a tokenized sequence (ids include [CLS] and [SEP]; empty type ids mean all 0).</summary>
    public Classification ClassifyTokens(ReadOnlySpan<int> ids, ReadOnlySpan<int> typeIds, Span<float> logits = default) =>
        ClassifyTokens(ids, typeIds, logits, false);

    /// <summary>
    /// The sequence embedding (the model's pooling: pooler, [CLS] or mean) of one text into
    /// <paramref name="embedding"/> (<see cref="Model.HiddenSize"/> floats).
    /// </summary>
    public EncodeResult Embed(ReadOnlySpan<char> text, Span<float> embedding)
    {
        ThrowIfShort(embedding.Length, Model.HiddenSize, nameof(embedding));
        int tokens = TokenizeInto(text, out bool truncated);
        return EmbedTokens(tokens, truncated, embedding);
    }

    /// <summary>The sequence embedding of a tokenized sequence (ids include [CLS] and [SEP]; empty type ids mean all 0).</summary>
    public EncodeResult EmbedTokens(ReadOnlySpan<int> ids, ReadOnlySpan<int> typeIds, Span<float> embedding)
    {
        ThrowIfShort(embedding.Length, Model.HiddenSize, nameof(embedding));
        var scratch = Run(ids, typeIds);
        _encoder.Pool(ids.Length, scratch, Threads);
        ThrowIfOverflowed(scratch.Pooled, "the pooled embedding");
        scratch.Pooled.CopyTo(embedding);
        return new EncodeResult(ids.Length, false);
    }

    /// <summary>The last hidden states [ids.Length, H] of a tokenized sequence (the trainer's parity checks).</summary>
    public EncodeResult EncodeTokens(ReadOnlySpan<int> ids, ReadOnlySpan<int> typeIds, Span<float> hiddenStates)
    {
        ThrowIfShort(hiddenStates.Length, ids.Length * Model.HiddenSize, nameof(hiddenStates));
        Run(ids, typeIds).Hidden.AsSpan(0, ids.Length * Model.HiddenSize).CopyTo(hiddenStates);
        return new EncodeResult(ids.Length, false);
    }

    private EncodeResult EmbedTokens(int tokens, bool truncated, Span<float> embedding) =>
        EmbedTokens(_ids.AsSpan(0, tokens), _typeIds.AsSpan(0, tokens), embedding) with { Truncated = truncated };

    /// <summary>
    /// The last hidden states [tokens, <see cref="Model.HiddenSize"/>] of one text into
    /// <paramref name="hiddenStates"/> (at least <see cref="MaxLength"/> × H floats always suffice).
    /// </summary>
    public EncodeResult Encode(ReadOnlySpan<char> text, Span<float> hiddenStates)
    {
        int tokens = TokenizeInto(text, out bool truncated);
        int length = tokens * Model.HiddenSize;
        ThrowIfShort(hiddenStates.Length, length, nameof(hiddenStates));
        Run(_ids.AsSpan(0, tokens), _typeIds.AsSpan(0, tokens)).Hidden.AsSpan(0, length).CopyTo(hiddenStates);
        return new EncodeResult(tokens, truncated);
    }

    private Classification ClassifyTokens(ReadOnlySpan<int> ids, ReadOnlySpan<int> typeIds, Span<float> logits, bool truncated)
    {
        int labels = Model.Labels.Count;
        if (!logits.IsEmpty) ThrowIfShort(logits.Length, labels, nameof(logits));
        var scratch = Run(ids, typeIds);
        _encoder.Pool(ids.Length, scratch, Threads);
        int label = _encoder.Classify(scratch);
        Profile?.Lap(ForwardStep.Head);
        ReadOnlySpan<float> z = scratch.Logits.AsSpan(0, labels);
        ThrowIfOverflowed(z, "the classifier's logits");
        if (!logits.IsEmpty) z.CopyTo(logits);
        return new Classification(label, Model.Labels[label], Probabilities.Of(z, label, Model.Temperature), ids.Length, truncated);
    }

    /// <summary>
    /// Finite weights (checked at load) can still be too large for float32: an output holding NaN
    /// or infinity is the model's defect, reported as such rather than answered (a label picked
    /// from NaN) or blamed on the input. One vectorised pass over what is returned.
    /// </summary>
    private void ThrowIfOverflowed(ReadOnlySpan<float> output, string where)
    {
        if (!System.Numerics.Tensors.TensorPrimitives.IsFiniteAll(output)) throw new ModelOverflowException(Model.Source, where);
    }

    /// <summary>Encodes into the scratch (grown to fit first) and returns it.</summary>
    private EncoderScratch Run(ReadOnlySpan<int> ids, ReadOnlySpan<int> typeIds)
    {
        Model.ThrowIfDisposed();
        if (ids.Length > MaxLength && MaxLength < Model.MaxLength)
        {
            throw new ArgumentException($"{ids.Length} tokens exceed the session's MaxLength of {MaxLength}.", nameof(ids));
        }
        var scratch = Scratch(ids.Length);
        try
        {
            _encoder.Encode(ids, typeIds, scratch, Threads, Trace, Profile);
        }
        catch (ModelOverflowException e) when (e.Model.Length == 0)
        {
            throw new ModelOverflowException(Model.Source, e.Where, e.InnerException); // the kernel's error, with the model named
        }
        ThrowIfOverflowed(scratch.Hidden.AsSpan(0, ids.Length * Model.HiddenSize), "the last hidden states");
        return scratch;
    }

    /// <summary>Scratch for the first call is sized for at most this many tokens when its input is short.</summary>
    internal const int InitialScratchTokens = 32;

    /// <summary>
    /// The scratch buffers, allocated on first use: for <see cref="InitialScratchTokens"/> when
    /// that input is no longer, else for <see cref="MaxLength"/>; replaced once, at
    /// <see cref="MaxLength"/>, when a longer input comes: a session that classifies one short text (the CLI's start-up) touches
    /// a few kB instead of the megabyte the full length needs, and after the longest input no
    /// call allocates. The buffers' capacity does not change any result.
    /// </summary>
    private EncoderScratch Scratch(int tokens)
    {
        if (_scratch is { } current && current.MaxTokens >= tokens) return current;
        // Longer than the encoder accepts: let it raise its own error on a full-size scratch.
        int capacity = _scratch is null && tokens <= InitialScratchTokens ? Math.Min(InitialScratchTokens, MaxLength) : MaxLength;
        capacity = Math.Max(capacity, Math.Min(tokens, MaxLength));
        var arch = Model.Metadata.Architecture;
        return _scratch = new EncoderScratch(capacity, arch.HiddenSize, arch.FfnSize, arch.Heads, Model.Labels.Count, arch.AttentionWidth);
    }

    private int TokenizeInto(ReadOnlySpan<char> text, out bool truncated) => _tokenizer.Encode(text, _ids, _typeIds, out truncated);

    private static void ThrowIfShort(int length, int needed, string name)
    {
        if (length < needed) throw new ArgumentException($"Buffer has {length} floats; {needed} are needed.", name);
    }
}
