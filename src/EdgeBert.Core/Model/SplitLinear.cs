using System.Numerics.Tensors;

namespace EdgeBert.Encoder;

/// <summary>
/// BinaryBERT's split linear (ternary weight splitting): two binary weights on the same input,
/// y = (Q(x)·ŵ¹ᵀ + b) + Q(x)·ŵ²ᵀ, each half on its own kernel call with its own α (the second
/// with a zero bias), summed in that order in float32. Both halves quantize x the same way
/// (deterministic), so this is exactly two runs of the unsplit scheme added together.
/// </summary>
internal sealed class SplitLinear : QuantizedLinear
{
    public SplitLinear(QuantizedLinear first, QuantizedLinear second)
        : base(first.Name, first.Scheme, first.N, first.K)
    {
        if (second.N != first.N || second.K != first.K || second.Scheme != first.Scheme)
        {
            throw new ArgumentException($"{first.Name}: split halves [{first.N}, {first.K}] {first.Scheme} and [{second.N}, {second.K}] {second.Scheme} differ.");
        }
        First = first;
        Second = second;
    }

    /// <summary>The half holding the bias.</summary>
    public QuantizedLinear First { get; }

    /// <summary>The <c>weight_split</c> half (zero bias).</summary>
    public QuantizedLinear Second { get; }

    public override void Forward(ReadOnlySpan<float> x, int tokens, Span<float> y, LinearScratch scratch, int threads)
    {
        ThrowIfBad(x, tokens, y);
        int count = tokens * N;
        First.Forward(x, tokens, y, scratch, threads);
        Span<float> second = scratch.SplitOutput(count);
        Second.Forward(x, tokens, second, scratch, threads);
        TensorPrimitives.Add(y.Slice(0, count), second, y.Slice(0, count));
    }
}
