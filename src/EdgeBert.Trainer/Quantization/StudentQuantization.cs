using EdgeBert.Format;
using EdgeBert.Trainer.Model;

namespace EdgeBert.Trainer.Quantization;

/// <summary>
/// Installs on a checkpoint's latent FP32 weights the quantized forward that an exported .ebm
/// records in its metadata (method and layer bits), so that <c>edgebert-train parity</c> compares
/// the runtime with the student that was trained, not with its FP32 shadow.
/// </summary>
public static class StudentQuantization
{
    /// <summary>Applies the method of <paramref name="metadata"/> to <paramref name="model"/>; an FP32 export needs nothing.</summary>
    /// <exception cref="ArgumentException">
    /// The method has no single-checkpoint form (BinaryBERT's split student lives in per-stage
    /// directories; its <c>quantize</c> run checks parity itself) or the layer bits are not the method's.
    /// </exception>
    public static void Apply(BertModel model, EbmMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(metadata);
        QuantMethod method = metadata.Provenance?.Method ?? QuantMethod.None;
        LayerScheme first = metadata.Layers.Count > 0 ? metadata.Layers[0] : new LayerScheme { WeightBits = 32, ActivationBits = 32 };
        switch (method)
        {
            case QuantMethod.None when first.WeightBits == 32:
                return;
            case QuantMethod.TernaryBert:
                TernaryBertQuantization.Apply(model);
                return;
            case QuantMethod.BiBert:
                BiBertQuantization.Apply(model);
                return;
            case QuantMethod.TwoStage:
                ProgressiveStep step = ProgressiveSchedule.Targets.FirstOrDefault(s => s.WeightBits == first.WeightBits && s.ActivationBits == first.ActivationBits)
                    ?? throw new ArgumentException($"parity: a two-stage export with W{first.WeightBits}A{first.ActivationBits} layers is not one of the progressive targets.");
                ProgressiveQuantization.Apply(model, step);
                return;
            default:
                throw new ArgumentException($"parity: exports of method '{method}' (W{first.WeightBits}A{first.ActivationBits}) cannot be rebuilt from one checkpoint directory; " +
                    "the quantize run that wrote the .ebm checked parity itself (OUT/parity.json or its log).");
        }
    }
}
