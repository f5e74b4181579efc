using EdgeBert.Trainer.Quantization;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Torch.Quantization;

/// <summary>
/// Installs each method's quantizers on a <see cref="TorchBertModel"/>: TernaryBERT, BiBERT,
/// two-stage progressive and BinaryBERT (the Core quantizers' codes on the trainer's tensors, so
/// the runtime's forward): the six linears of
/// every layer and the pooler, the word embedding, and for BiBERT the attention and the LayerNorms.
/// Position/type embeddings, biases, LayerNorm parameters and the classifier stay FP32.
/// </summary>
public static class TorchStudentQuantization
{
    /// <summary>The quantized linears: the six of every layer in the model file's order, then the pooler.</summary>
    public static IEnumerable<Linear> QuantizedLinears(TorchBertModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Layers.SelectMany(l => l.Linears).Append(model.Pooler);
    }

    /// <summary>
    /// Installs the quantized forward an exported .ebm records (method and layer bits), for
    /// <c>parity</c>: ternarybert, bibert and the two-stage targets; an FP32
    /// export needs nothing.
    /// </summary>
    /// <exception cref="ArgumentException">BinaryBERT (its split student lives in per-stage directories) or bits that are not the method's.</exception>
    public static void Apply(TorchBertModel model, EdgeBert.Format.EbmMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(metadata);
        EdgeBert.Format.QuantMethod method = metadata.Provenance?.Method ?? EdgeBert.Format.QuantMethod.None;
        EdgeBert.Format.LayerScheme? first = metadata.Layers.Count > 0 ? metadata.Layers[0] : null;
        switch (method)
        {
            case EdgeBert.Format.QuantMethod.None when first is null || first.WeightBits == 32:
                return;
            case EdgeBert.Format.QuantMethod.TernaryBert:
                TernaryBert(model);
                return;
            case EdgeBert.Format.QuantMethod.BiBert:
                BiBert(model);
                return;
            case EdgeBert.Format.QuantMethod.TwoStage:
                ProgressiveStep step = ProgressiveSchedule.Targets.FirstOrDefault(s => s.WeightBits == first?.WeightBits && s.ActivationBits == first.ActivationBits)
                    ?? throw new ArgumentException($"parity: a two-stage export with W{first?.WeightBits}A{first?.ActivationBits} layers is not one of the progressive targets.");
                Progressive(model, step);
                return;
            default:
                throw new ArgumentException($"parity: exports of method '{method}' cannot be rebuilt from one checkpoint directory; the quantize run that wrote the .ebm checked parity itself (OUT/parity.json or its log).");
        }
    }

    /// <summary>TernaryBERT W2A8: layer-wise TWN weights, per-token symmetric int8 inputs, row-wise TWN word embedding.</summary>
    public static void TernaryBert(TorchBertModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        TorchQuantizedModules.Attach(model.Embeddings.Word, TorchTernaryWeight.ApplyRows);
        foreach (Linear linear in QuantizedLinears(model))
        {
            TorchQuantizedModules.Attach(linear, new TorchLinearQuantizer { Weight = TorchTernaryWeight.Apply, Input = static x => TorchActivationInt8.Symmetric(x) });
        }
    }

    /// <summary>
    /// BiBERT W1A1: centred per-row binary weights with sign inputs and the exact popcount product,
    /// binary word embedding, sign Q/K/V, Bi-Attention with dropout on the scores, float64 LayerNorms.
    /// </summary>
    public static void BiBert(TorchBertModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        TorchQuantizedModules.Attach(model.Embeddings.Word, TorchBinaryWeight.CentredRows);
        TorchQuantizedModules.SetFloat64(model.Embeddings.Norm, true);
        foreach (Linear linear in QuantizedLinears(model))
        {
            TorchQuantizedModules.Attach(linear, new TorchLinearQuantizer
            {
                Weight = TorchBinaryWeight.CentredRows, Input = TorchBinaryActivation.Sign, Product = TorchBiBertLinear.Apply,
            });
        }
        foreach (TorchBertLayer layer in model.Layers)
        {
            TorchSelfAttention attention = layer.Attention;
            attention.QueryTransform = attention.KeyTransform = attention.ValueTransform = TorchBinaryActivation.Sign;
            attention.AttentionFunction = TorchBinaryActivation.BiAttention;
            attention.DropoutOnScores = true;
            foreach (LayerNorm norm in layer.Norms) TorchQuantizedModules.SetFloat64(norm, true);
            layer.RuntimeGelu = true; // the FFN-out input is sign(gelu(y)): the runtime's GELU decides the sign
        }
    }

    /// <summary>One step of two-stage progressive quantization (METHODS.md §4).</summary>
    /// <exception cref="ArgumentException">The step's bits are not those of the progressive chain.</exception>
    public static void Progressive(TorchBertModel model, ProgressiveStep step)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(step);
        Func<Tensor, Tensor> weight = step.WeightBits switch
        {
            8 or 4 => w => TorchUniformWeight.ApplyRows(w, step.WeightBits),
            2 => TorchTernaryWeight.Apply,
            1 => TorchBinaryWeight.Bwn,
            _ => throw new ArgumentException($"progressive: no weight quantizer for {step.WeightBits} bits; the chain uses 8, 4, 2 and 1."),
        };
        Func<Tensor, Tensor> embedding = step.WeightBits switch
        {
            8 or 4 => w => TorchUniformWeight.ApplyRows(w, step.WeightBits),
            2 => TorchTernaryWeight.ApplyRows,
            _ => TorchBinaryWeight.CentredRows,
        };
        Func<Tensor, Tensor>? input = step.ActivationBits switch
        {
            32 => null,
            8 => static x => TorchActivationInt8.Symmetric(x),
            4 => TorchActivationInt4.MinMax,
            1 => TorchBinaryActivation.Sign,
            _ => throw new ArgumentException($"progressive: no activation quantizer for {step.ActivationBits} bits; the runtime runs A8, A4 and A1 with binary weights."),
        };
        TorchQuantizedModules.Attach(model.Embeddings.Word, embedding);
        foreach (Linear linear in QuantizedLinears(model)) TorchQuantizedModules.Attach(linear, new TorchLinearQuantizer { Weight = weight, Input = input });
        foreach (TorchBertLayer layer in model.Layers) layer.RuntimeGelu = step.ActivationBits == 1; // A1: sign(gelu(y)) as the runtime's GELU gives it
    }

    /// <summary>BinaryBERT's ternary stage: TWN weights (word embedding per row), A8 per-token symmetric or A4 learned LSQ steps.</summary>
    /// <exception cref="ArgumentException">Activation bits other than 8 or 4.</exception>
    public static void BinaryBertTernary(TorchBertModel model, int activationBits) =>
        BinaryBert(model, activationBits, TorchTernaryWeight.Apply, TorchTernaryWeight.ApplyRows, split: false);

    /// <summary>
    /// BinaryBERT's binary stage: BWN on both split halves (per matrix; word embedding per row), A8 or
    /// A4 as <see cref="BinaryBertTernary"/>. The halves w² start at 0; copy them from a split
    /// (<see cref="TernaryWeightSplit"/>) or a checkpoint.
    /// </summary>
    /// <exception cref="ArgumentException">Activation bits other than 8 or 4.</exception>
    public static void BinaryBertBinary(TorchBertModel model, int activationBits) =>
        BinaryBert(model, activationBits, TorchBinaryWeight.Bwn, TorchBinaryWeight.BwnRows, split: true);

    /// <summary>BinaryBERT's split half of the word embedding, when <see cref="BinaryBertBinary"/> installed one.</summary>
    public static Tensor? EmbeddingSplit(TorchBertModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return s_embeddingSplits.TryGetValue(model, out Tensor? split) ? split : null;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<TorchBertModel, Tensor> s_embeddingSplits = [];

    private static void BinaryBert(TorchBertModel model, int activationBits, Func<Tensor, Tensor> weight, Func<Tensor, Tensor> rows, bool split)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (activationBits is not (8 or 4)) throw new ArgumentException($"binarybert: activation bits must be 8 or 4 (got {activationBits}).");
        bool relu = model.Config.HiddenAct == "relu";
        var ffnOut = model.Layers.Select(l => l.FfnOut).ToHashSet();
        foreach (Linear linear in QuantizedLinears(model))
        {
            TorchLinearQuantizer? previous = TorchQuantizedModules.Quantizer(linear);
            Tensor? step = activationBits == 4 ? previous?.ActivationScale ?? nn.Parameter(zeros(1)) : null;
            Tensor? half = split ? previous?.WeightSplit ?? nn.Parameter(zeros_like(linear.weight!)) : null;
            Func<Tensor, Tensor> input = step is null ? static x => TorchActivationInt8.Symmetric(x) : Lsq(step, relu && ffnOut.Contains(linear));
            TorchQuantizedModules.Attach(linear, new TorchLinearQuantizer { Weight = weight, Input = input, WeightSplit = half, ActivationScale = step });
        }
        if (!split)
        {
            TorchQuantizedModules.Attach(model.Embeddings.Word, rows);
            return;
        }
        Tensor table = EmbeddingSplit(model) ?? nn.Parameter(zeros_like(model.Embeddings.Word.weight!));
        s_embeddingSplits.AddOrUpdate(model, table);
        TorchQuantizedModules.Attach(model.Embeddings.Word, w => rows(w) + rows(table));
    }

    /// <summary>
    /// The static A4 input quantizer on <paramref name="step"/>: s·clamp(round(x/s), −8, 7), or [0, 15]
    /// for a ReLU output; a step of 0 (untrained) is first set from the batch (2·mean|x|/√Qp).
    /// </summary>
    public static Func<Tensor, Tensor> Lsq(Tensor step, bool unsignedInput)
    {
        ArgumentNullException.ThrowIfNull(step);
        int qn = unsignedInput ? 0 : -8, qp = unsignedInput ? 15 : 7;
        return x =>
        {
            if (step.detach().cpu().item<float>() == 0f)
            {
                using var noGrad = no_grad();
                step.fill_(TorchLsq.InitialStep(x, qp));
            }
            return TorchLsq.Quantize(x, step, qn, qp);
        };
    }
}
