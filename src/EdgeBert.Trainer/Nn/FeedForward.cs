using EdgeBert.Trainer.Autograd;

namespace EdgeBert.Trainer.Nn;

/// <summary>BERT's position-wise feed-forward block: <c>out</c>(GELU(<c>in</c>(x))), hidden → ffn → hidden.</summary>
public sealed class FeedForward : Module
{
    /// <summary>A block widening <paramref name="hidden"/> features to <paramref name="ffn"/> and back.</summary>
    public FeedForward(int hidden, int ffn, Random rng)
        : this(hidden, ffn, rng, relu: false)
    {
    }

    /// <summary>A block with GELU, or ReLU when <paramref name="relu"/> (BinaryBERT's W1A4 recipe).</summary>
    public FeedForward(int hidden, int ffn, Random rng, bool relu)
    {
        Relu = relu;
        In = new Linear(hidden, ffn, rng);
        Out = new Linear(ffn, hidden, rng);
    }

    /// <summary>Whether the activation is ReLU instead of GELU.</summary>
    public bool Relu { get; }

    /// <summary>The widening projection [ffn, hidden].</summary>
    public Linear In { get; }

    /// <summary>The narrowing projection [hidden, ffn].</summary>
    public Linear Out { get; }

    /// <summary>Applies the block to x [..., hidden].</summary>
    public Tensor Forward(Tensor x)
    {
        Tensor h = In.Forward(x);
        return Out.Forward(Relu ? Ops.Relu(h) : Ops.Gelu(h));
    }

    /// <inheritdoc />
    protected override IEnumerable<(string Name, Module Child)> NamedChildren()
    {
        yield return ("in", In);
        yield return ("out", Out);
    }
}
