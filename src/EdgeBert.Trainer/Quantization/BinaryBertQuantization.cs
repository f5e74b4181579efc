using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Nn;

namespace EdgeBert.Trainer.Quantization;

/// <summary>
/// Installs BinaryBERT's quantizers (METHODS.md §2) on a <see cref="BertModel"/>, computing what
/// the runtime computes (docs/inference.md): every encoder linear (Q, K, V, attention output,
/// FFN in/out) and the pooler get quantized weights and a dynamic per-token activation quantizer
/// on their input — A8 symmetric per token (<see cref="ActivationInt8.Symmetric"/>), or at A4 a
/// learned static LSQ step per linear (<see cref="Linear.ActivationScale"/>, exported as
/// <c>act_scale</c>): q = clamp(round(x/s), −8, 7), or [0, 15] for the FFN-out input of a ReLU
/// model, as the runtime's static A4 (<see cref="LsqActivation.Quantize"/>). Attention, LayerNorm, residuals, GELU/ReLU,
/// position/type embeddings and the classifier stay FP32, as in the runtime.
/// <list type="bullet">
/// <item><see cref="ApplyTernary"/>: the half-width ternary model, TWN per matrix, word embedding TWN per row.</item>
/// <item><see cref="ApplyBinary"/>: the split binary model, BWN per matrix on both halves
/// (<see cref="Linear.WeightSplit"/>), word embedding BWN per row on both halves.</item>
/// </list>
/// </summary>
public static class BinaryBertQuantization
{
    /// <summary>The activation bits BinaryBERT trains with: 8 or 4.</summary>
    public static IReadOnlyList<int> ActivationBits { get; } = [8, 4];

    /// <summary>Ternary weights (W2) with A8 or A4 inputs (the ternary stage; training only at A4).</summary>
    /// <exception cref="ArgumentException">Activation bits other than 8 or 4.</exception>
    public static void ApplyTernary(BertModel model, int activationBits)
    {
        ArgumentNullException.ThrowIfNull(model);
        InstallInputs(model, activationBits);
        model.Embeddings.Word.WeightTransform = TernaryWeight.ApplyRows;
        foreach (Linear linear in Linears(model)) linear.WeightTransform = TernaryWeight.Apply;
    }

    /// <summary>Binary (BWN) weights on both split halves with A8 or A4 inputs.</summary>
    /// <exception cref="ArgumentException">Activation bits other than 8 or 4.</exception>
    public static void ApplyBinary(BertModel model, int activationBits)
    {
        ArgumentNullException.ThrowIfNull(model);
        InstallInputs(model, activationBits);
        model.Embeddings.Word.WeightTransform = BinaryBertWeights.BwnRows;
        foreach (Linear linear in Linears(model)) linear.WeightTransform = BinaryBertWeights.Bwn;
    }

    /// <summary>
    /// Gives every quantized linear an uninitialised (0) LSQ step, the shape of an A4 model (e.g.
    /// before loading one from disk); steps that exist are kept.
    /// </summary>
    public static void AddActivationScales(BertModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        foreach (Linear linear in Linears(model)) linear.ActivationScale ??= Tensor.Zeros([1], requiresGrad: true);
    }

    /// <summary>Whether the input of <paramref name="linear"/> is a ReLU output (the FFN out linear of a ReLU model): LSQ codes [0, 15].</summary>
    public static bool HasUnsignedInput(BertModel model, Linear linear)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Config.HiddenAct == "relu" && model.Layers.Any(l => l.Ffn.Out == linear);
    }

    private static void InstallInputs(BertModel model, int activationBits)
    {
        if (activationBits is not (8 or 4)) throw new ArgumentException($"binarybert: activation bits must be 8 or 4 (got {activationBits}).");
        if (activationBits == 4) AddActivationScales(model);
        foreach (Linear linear in Linears(model))
        {
            linear.InputTransform = activationBits == 8 ? static x => ActivationInt8.Symmetric(x) : Lsq(linear.ActivationScale!, HasUnsignedInput(model, linear));
        }
    }

    /// <summary>Removes every hook (back to an FP32 forward of the latent weights).</summary>
    public static void Remove(BertModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.Embeddings.Word.WeightTransform = null;
        foreach (Linear linear in Linears(model)) linear.WeightTransform = linear.InputTransform = null;
    }

    /// <summary>The quantized linears: the six of every layer in file order, then the pooler.</summary>
    public static IEnumerable<Linear> Linears(BertModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        foreach (BertLayer layer in model.Layers)
        {
            foreach (Linear linear in TernaryBertQuantization.QuantizedLinears(layer)) yield return linear;
        }
        yield return model.Pooler;
    }

    /// <summary>
    /// The LSQ input quantizer on <paramref name="step"/> [1]: x̂ = s·clamp(round(x/s), Qn, Qp) with
    /// [−8, 7], or [0, 15] when <paramref name="unsignedInput"/>. A step of 0 (not yet trained) is
    /// first set from the batch as LSQ's 2·mean|x|/√Qp (1 if that is 0).
    /// </summary>
    public static Func<Tensor, Tensor> Lsq(Tensor step, bool unsignedInput)
    {
        ArgumentNullException.ThrowIfNull(step);
        int qn = unsignedInput ? 0 : -8, qp = unsignedInput ? 15 : 7;
        return x =>
        {
            if (step.Data[0] == 0f)
            {
                QuantizerChecks.ThrowIfNotFinite(x, "lsq");
                double meanAbs = x.Length == 0 ? 0 : x.Data.Sum(v => (double)Math.Abs(v)) / x.Length;
                float init = (float)(2 * meanAbs / Math.Sqrt(qp));
                step.Data[0] = init > 0f && float.IsFinite(init) ? init : 1f;
            }
            // symmetric: true means "no batch-minimum offset"; the range is [qn, qp] either way.
            return LsqActivation.Quantize(x, step, qn, qp, symmetric: true);
        };
    }
}
