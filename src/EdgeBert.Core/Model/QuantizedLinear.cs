using EdgeBert.Runtime;

namespace EdgeBert.Encoder;

/// <summary>
/// One linear layer y = x·Wᵀ + b in its scheme: it quantizes its own input (docs/inference.md)
/// and writes float outputs. Immutable after load; the scratch comes from the session.
/// </summary>
internal abstract class QuantizedLinear(string name, LinearScheme scheme, int n, int k)
{
    /// <summary>Tensor name prefix, e.g. <c>layer.0.attention.query</c>.</summary>
    public string Name { get; } = name;

    public LinearScheme Scheme { get; } = scheme;

    /// <summary>Output features.</summary>
    public int N { get; } = n;

    /// <summary>Input features.</summary>
    public int K { get; } = k;

    /// <summary>y [tokens, N] = x [tokens, K] · Wᵀ + b.</summary>
    public abstract void Forward(ReadOnlySpan<float> x, int tokens, Span<float> y, LinearScratch scratch, int threads);

    protected void ThrowIfBad(ReadOnlySpan<float> x, int tokens, Span<float> y)
    {
        if (x.Length < tokens * K || y.Length < tokens * N)
        {
            throw new ArgumentException($"{Name}: buffers of {x.Length} and {y.Length} floats for {tokens} tokens of [{N}, {K}].");
        }
    }

    /// <summary>
    /// True when an activation quantizer refused its input row for holding NaN or infinity. The
    /// load refuses non-finite weights, so such an input is the model overflowing float32.
    /// </summary>
    protected static bool IsNonFiniteInput(ArgumentException e) => e.ParamName is "x" or "row";

    /// <summary>The overflow error for this layer's input; the session adds the model's name.</summary>
    protected ModelOverflowException InputOverflow(ArgumentException e) => new("", $"the input of '{Name}'", e);
}
