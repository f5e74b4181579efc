using EdgeBert.Trainer.Autograd;

namespace EdgeBert.Trainer.Nn;

/// <summary>A BERT layer's output with the attention internals distillation losses use.</summary>
/// <param name="Hidden">The layer output [B, L, H].</param>
/// <param name="AttentionScores">Unmasked scaled scores [B, heads, L, L].</param>
/// <param name="AttentionProbabilities">Masked softmax [B, heads, L, L].</param>
/// <param name="Query">Query heads [B, heads, L, d] before any query transform (BiBERT's DMD), or null.</param>
/// <param name="Key">Key heads before any key transform, or null.</param>
/// <param name="Value">Value heads before any value transform, or null.</param>
public sealed record BertLayerOutput(Tensor Hidden, Tensor AttentionScores, Tensor AttentionProbabilities, Tensor? Query = null, Tensor? Key = null, Tensor? Value = null);

/// <summary>
/// A post-LN transformer layer as HF's BertLayer: attention → dropout → add &amp; LayerNorm →
/// FFN (GELU) → dropout → add &amp; LayerNorm. Parameters are named
/// <c>attention.{query|key|value|output}.{weight|bias}</c>, <c>attention.ln.{gamma|beta}</c>,
/// <c>ffn.{in|out}.{weight|bias}</c>, <c>ffn.ln.{gamma|beta}</c>.
/// </summary>
public sealed class BertLayer : Module
{
    private readonly Random rng;

    /// <summary>A layer with the given sizes; <paramref name="rng"/> initialises weights and drives dropout.</summary>
    /// <exception cref="ArgumentException">A size or probability is invalid.</exception>
    public BertLayer(int hidden, int heads, int ffn, Random rng, float hiddenDropout = 0.1f, float attentionDropout = 0.1f, float layerNormEps = 1e-12f)
        : this(hidden, heads, hidden / Math.Max(heads, 1), ffn, rng, hiddenDropout, attentionDropout, layerNormEps, relu: false)
    {
        if (heads < 1 || hidden % heads != 0) throw new ArgumentException($"hidden {hidden} is not divisible by {heads} heads.", nameof(hidden));
    }

    /// <summary>A layer whose attention has <paramref name="heads"/> heads of <paramref name="headSize"/> dimensions, with a GELU or ReLU FFN.</summary>
    /// <exception cref="ArgumentException">A size or probability is invalid.</exception>
    public BertLayer(int hidden, int heads, int headSize, int ffn, Random rng, float hiddenDropout, float attentionDropout, float layerNormEps, bool relu)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (!(hiddenDropout >= 0f && hiddenDropout < 1f)) throw new ArgumentOutOfRangeException(nameof(hiddenDropout));
        this.rng = rng;
        HiddenDropout = hiddenDropout;
        Attention = new MultiHeadSelfAttention(hidden, heads, headSize, rng, attentionDropout);
        AttentionNorm = new LayerNorm(hidden, layerNormEps);
        Ffn = new FeedForward(hidden, ffn, rng, relu);
        FfnNorm = new LayerNorm(hidden, layerNormEps);
    }

    /// <summary>Dropout probability after attention and after the FFN (training only).</summary>
    public float HiddenDropout { get; }

    /// <summary>Self-attention.</summary>
    public MultiHeadSelfAttention Attention { get; }

    /// <summary>The LayerNorm after attention (<c>attention.ln</c>).</summary>
    public LayerNorm AttentionNorm { get; }

    /// <summary>The feed-forward block.</summary>
    public FeedForward Ffn { get; }

    /// <summary>The LayerNorm after the FFN (<c>ffn.ln</c>).</summary>
    public LayerNorm FfnNorm { get; }

    /// <summary>Applies the layer to x [B, L, H] with an additive mask [B, 1, 1, L] or null.</summary>
    public BertLayerOutput Forward(Tensor x, Tensor? mask)
    {
        AttentionResult attention = Attention.Forward(x, mask);
        Tensor h = AttentionNorm.Forward(Ops.Add(x, Ops.Dropout(attention.Output, HiddenDropout, rng, Training)));
        Tensor f = Ffn.Forward(h);
        Tensor output = FfnNorm.Forward(Ops.Add(h, Ops.Dropout(f, HiddenDropout, rng, Training)));
        return new BertLayerOutput(output, attention.Scores, attention.Probabilities, attention.Query, attention.Key, attention.Value);
    }

    /// <inheritdoc />
    protected override IEnumerable<(string Name, Module Child)> NamedChildren()
    {
        yield return ("attention", Attention);
        yield return ("attention.ln", AttentionNorm);
        yield return ("ffn", Ffn);
        yield return ("ffn.ln", FfnNorm);
    }
}
