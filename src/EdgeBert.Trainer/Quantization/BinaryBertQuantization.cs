using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Nn;

namespace EdgeBert.Trainer.Quantization;

/// <summary>
/// Installs BinaryBERT's quantizers (METHODS.md §2) on a <see cref="BertModel"/>, computing what
/// the runtime computes (docs/inference.md): every encoder linear (Q, K, V, attention output,
/// FFN in/out) and the pooler get quantized weights and a dynamic per-token activation quantizer
/// on their input — A8 symmetric (<see cref="ActivationInt8.Symmetric"/>) or the runtime's A4
/// min-max (<see cref="ActivationInt4.MinMax"/>). Attention, LayerNorm, residuals, GELU/ReLU,
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
        Func<Tensor, Tensor> input = InputQuantizer(activationBits);
        model.Embeddings.Word.WeightTransform = TernaryWeight.ApplyRows;
        foreach (Linear linear in Linears(model))
        {
            linear.WeightTransform = TernaryWeight.Apply;
            linear.InputTransform = input;
        }
    }

    /// <summary>Binary (BWN) weights on both split halves with A8 or A4 inputs.</summary>
    /// <exception cref="ArgumentException">Activation bits other than 8 or 4.</exception>
    public static void ApplyBinary(BertModel model, int activationBits)
    {
        ArgumentNullException.ThrowIfNull(model);
        Func<Tensor, Tensor> input = InputQuantizer(activationBits);
        model.Embeddings.Word.WeightTransform = BinaryBertWeights.BwnRows;
        foreach (Linear linear in Linears(model))
        {
            linear.WeightTransform = BinaryBertWeights.Bwn;
            linear.InputTransform = input;
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

    /// <summary>The runtime's activation quantizer for <paramref name="activationBits"/>.</summary>
    /// <exception cref="ArgumentException">Activation bits other than 8 or 4.</exception>
    public static Func<Tensor, Tensor> InputQuantizer(int activationBits) => activationBits switch
    {
        8 => static x => ActivationInt8.Symmetric(x),
        4 => ActivationInt4.MinMax,
        _ => throw new ArgumentException($"binarybert: activation bits must be 8 or 4 (got {activationBits})."),
    };
}
