using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Nn;

namespace EdgeBert.Trainer.Quantization;

/// <summary>
/// Installs the quantizers of one <see cref="ProgressiveStep"/> on a <see cref="BertModel"/>
/// (Le et al. 2022, METHODS.md §4). The six linears of every layer and the pooler get:
/// W8/W4 per-row symmetric uniform (<see cref="UniformWeight"/>), W2 layer-wise TWN
/// (<see cref="TernaryWeight.Apply"/>), W1 layer-wise BWN, α = mean|w| (<see cref="BinaryWeight.Apply"/>,
/// "plain BWN binarization", no TWS and no width doubling). The word embedding follows the
/// weight bits row-wise: uniform per row, TWN per row, and at 1 bit the Core BiBERT binarizer
/// (<see cref="BinaryWeight.ApplyCentredRows"/>) because that is the row-wise binary the
/// runtime's exporter writes. Stage 1 leaves activations FP32; stage 2 quantizes the input of
/// every quantized linear as the runtime does: A8 per-token symmetric
/// (<see cref="ActivationInt8.Symmetric"/>), A4 per-token min-max (<see cref="ProgressiveActivation4"/>),
/// A1 sign (<see cref="SignActivation"/>). Attention stays softmax in FP32, as do LayerNorm,
/// residuals, GELU, position and type embeddings and the classifier — the runtime's semantics
/// (docs/inference.md), which the exported stage-2 students must reproduce.
/// </summary>
public static class ProgressiveQuantization
{
    /// <summary>Installs the hooks of <paramref name="step"/> (the latent FP32 weights stay the parameters).</summary>
    /// <exception cref="ArgumentException">The step's bits are not those of the progressive chain.</exception>
    public static void Apply(BertModel model, ProgressiveStep step)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(step);
        Func<Tensor, Tensor> weight = WeightQuantizer(step.WeightBits);
        Func<Tensor, Tensor>? input = InputQuantizer(step.ActivationBits);
        model.Embeddings.Word.WeightTransform = EmbeddingQuantizer(step.WeightBits);
        foreach (Linear linear in QuantizedLinears(model))
        {
            linear.WeightTransform = weight;
            linear.InputTransform = input;
        }
    }

    /// <summary>Removes every hook (back to the FP32 forward).</summary>
    public static void Remove(BertModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.Embeddings.Word.WeightTransform = null;
        foreach (Linear linear in QuantizedLinears(model)) linear.WeightTransform = linear.InputTransform = null;
    }

    /// <summary>The linears a step quantizes: the six of every layer (model-file order), then the pooler.</summary>
    public static IEnumerable<Linear> QuantizedLinears(BertModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        foreach (BertLayer layer in model.Layers)
        {
            foreach (Linear linear in TernaryBertQuantization.QuantizedLinears(layer)) yield return linear;
        }
        yield return model.Pooler;
    }

    /// <summary>The Linear weight quantizer for <paramref name="bits"/> (8, 4, 2, 1).</summary>
    /// <exception cref="ArgumentException">Any other width.</exception>
    public static Func<Tensor, Tensor> WeightQuantizer(int bits) => bits switch
    {
        8 => static w => UniformWeight.ApplyRows(w, 8),
        4 => static w => UniformWeight.ApplyRows(w, 4),
        2 => TernaryWeight.Apply,
        1 => BinaryWeight.Apply,
        _ => throw new ArgumentException($"progressive: no weight quantizer for {bits} bits; the chain uses 8, 4, 2 and 1."),
    };

    /// <summary>The row-wise word-embedding quantizer for <paramref name="bits"/> (8, 4, 2, 1).</summary>
    /// <exception cref="ArgumentException">Any other width.</exception>
    public static Func<Tensor, Tensor> EmbeddingQuantizer(int bits) => bits switch
    {
        8 => static w => UniformWeight.ApplyRows(w, 8),
        4 => static w => UniformWeight.ApplyRows(w, 4),
        2 => TernaryWeight.ApplyRows,
        1 => BinaryWeight.ApplyCentredRows,
        _ => throw new ArgumentException($"progressive: no embedding quantizer for {bits} bits; the chain uses 8, 4, 2 and 1."),
    };

    /// <summary>The input quantizer for <paramref name="bits"/> activation bits; null (FP32) for 32.</summary>
    /// <exception cref="ArgumentException">Any width other than 32, 8, 4, 1.</exception>
    public static Func<Tensor, Tensor>? InputQuantizer(int bits) => bits switch
    {
        32 => null,
        8 => static x => ActivationInt8.Symmetric(x),
        4 => ProgressiveActivation4.Apply,
        1 => SignActivation.Apply,
        _ => throw new ArgumentException($"progressive: no activation quantizer for {bits} bits; the runtime runs A8, A4 and A1 with binary weights."),
    };
}
