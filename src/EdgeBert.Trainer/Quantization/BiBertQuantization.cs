using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Nn;

namespace EdgeBert.Trainer.Quantization;

/// <summary>
/// Turns a <see cref="BertModel"/> into BiBERT's fully binary W1A1 student (METHODS.md §3) exactly as
/// the runtime runs a bi-attention .ebm (docs/inference.md):
/// <list type="bullet">
/// <item>every encoder linear (Q, K, V, attention output, FFN in/out) and the pooler: per-row centred
/// binary weights α·sign(w − mean) (hard-tanh STE), sign() inputs without scale (STE 1[|x| ≤ 1]),
/// and the integer-exact product <see cref="BiBertLinear"/>;</item>
/// <item>the word embedding binary per row (same quantizer);</item>
/// <item>Bi-Attention: sign(Q), sign(K), sign(V); A = B_Q·B_Kᵀ/√d + mask; attention dropout on A;
/// bool(A) (A = 0 → 0); context = bool(A)·sign(V), an unnormalised count that the attention-output
/// linear re-binarises with sign (a count of 0 gives +1, the runtime's A1);</item>
/// <item>every LayerNorm evaluated in float64 and rounded once, as the runtime, so the sign() after it
/// never flips on rounding.</item>
/// </list>
/// Position and token-type embeddings, LayerNorm parameters, biases, residuals, GELU, the pooler's
/// tanh and the classifier stay FP32.
/// </summary>
public static class BiBertQuantization
{
    /// <summary>Installs the hooks on <paramref name="model"/> (the latent FP32 weights stay the parameters).</summary>
    public static void Apply(BertModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.Embeddings.Word.WeightTransform = BinaryWeight.ApplyCentredRows;
        model.Embeddings.Norm.Float64 = true;
        foreach (BertLayer layer in model.Layers)
        {
            foreach (Linear linear in TernaryBertQuantization.QuantizedLinears(layer)) Binarize(linear);
            MultiHeadSelfAttention attention = layer.Attention;
            attention.QueryTransform = attention.KeyTransform = attention.ValueTransform = SignActivation.Apply;
            attention.AttentionFunction = BiBertAttention.Apply;
            attention.DropoutOnScores = true;
            layer.AttentionNorm.Float64 = layer.FfnNorm.Float64 = true;
        }
        Binarize(model.Pooler);
    }

    /// <summary>Removes every hook <see cref="Apply"/> installed (back to the FP32 forward).</summary>
    public static void Remove(BertModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.Embeddings.Word.WeightTransform = null;
        model.Embeddings.Norm.Float64 = false;
        foreach (BertLayer layer in model.Layers)
        {
            foreach (Linear linear in TernaryBertQuantization.QuantizedLinears(layer)) Unhook(linear);
            MultiHeadSelfAttention attention = layer.Attention;
            attention.QueryTransform = attention.KeyTransform = attention.ValueTransform = null;
            attention.AttentionFunction = null;
            attention.DropoutOnScores = false;
            layer.AttentionNorm.Float64 = layer.FfnNorm.Float64 = false;
        }
        Unhook(model.Pooler);
    }

    private static void Binarize(Linear linear)
    {
        linear.WeightTransform = BinaryWeight.ApplyCentredRows;
        linear.InputTransform = SignActivation.Apply;
        linear.Product = BiBertLinear.Apply;
    }

    private static void Unhook(Linear linear)
    {
        linear.WeightTransform = linear.InputTransform = null;
        linear.Product = null;
    }
}
