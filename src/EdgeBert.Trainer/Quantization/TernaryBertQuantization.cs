using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Nn;

namespace EdgeBert.Trainer.Quantization;

/// <summary>
/// Turns a <see cref="BertModel"/> into TernaryBERT's W2A8 student (METHODS.md §1) as the runtime
/// runs it (docs/inference.md): every encoder linear (Q, K, V, attention output, FFN in/out) and
/// the pooler get layer-wise TWN weights and per-token symmetric int8 inputs; the word embedding
/// is ternary row-wise. Attention (Q·Kᵀ, softmax, P·V), LayerNorm, residuals, GELU, position and
/// type embeddings and the classifier stay FP32, because the runtime keeps them FP32. No clip is
/// applied to activations: the runtime's A8 has none.
/// </summary>
public static class TernaryBertQuantization
{
    /// <summary>Installs the quantizer hooks on <paramref name="model"/> (the latent FP32 weights stay the parameters).</summary>
    public static void Apply(BertModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.Embeddings.Word.WeightTransform = TernaryWeight.ApplyRows;
        foreach (BertLayer layer in model.Layers)
        {
            foreach (Linear linear in QuantizedLinears(layer)) Quantize(linear);
        }
        Quantize(model.Pooler);
    }

    /// <summary>Removes every hook <see cref="Apply"/> installed (back to an FP32 forward).</summary>
    public static void Remove(BertModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.Embeddings.Word.WeightTransform = null;
        foreach (BertLayer layer in model.Layers)
        {
            foreach (Linear linear in QuantizedLinears(layer)) linear.WeightTransform = linear.InputTransform = null;
        }
        model.Pooler.WeightTransform = model.Pooler.InputTransform = null;
    }

    /// <summary>The six linears of a layer, in the model file's order.</summary>
    public static IEnumerable<Linear> QuantizedLinears(BertLayer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        yield return layer.Attention.Query;
        yield return layer.Attention.Key;
        yield return layer.Attention.Value;
        yield return layer.Attention.Output;
        yield return layer.Ffn.In;
        yield return layer.Ffn.Out;
    }

    private static void Quantize(Linear linear)
    {
        linear.WeightTransform = TernaryWeight.Apply;
        linear.InputTransform = static x => ActivationInt8.Symmetric(x);
    }
}
