using EdgeBert.Kernels.Integer;
using EdgeBert.Runtime;

namespace EdgeBert.Encoder;

/// <summary>
/// A linear layer on A8 activations: its input is quantized per token by
/// <see cref="Int8Quantization.QuantizeSymmetric"/> into the session's scratch codes, then
/// multiplied. Linears that read the same input with the same width (Q, K and V) give the same
/// codes, so the encoder quantizes once (<see cref="QuantizeInput"/>) and runs each GEMM on them
/// (<see cref="ForwardQuantized"/>).
/// </summary>
internal abstract class Int8InputLinear(string name, LinearScheme scheme, int n, int k) : QuantizedLinear(name, scheme, n, k)
{
    public sealed override void Forward(ReadOnlySpan<float> x, int tokens, Span<float> y, LinearScratch scratch, int threads)
    {
        ThrowIfBad(x, tokens, y);
        QuantizeInput(x, tokens, scratch, threads);
        ForwardQuantized(tokens, y, scratch, threads);
    }

    /// <summary>x [tokens, K] → per-token int8 codes and scales in <paramref name="scratch"/>, rows over threads.</summary>
    public void QuantizeInput(ReadOnlySpan<float> x, int tokens, LinearScratch scratch, int threads)
    {
        try
        {
            Int8Quantization.QuantizeSymmetric(x, tokens, K, K, scratch.Codes.AsSpan(0, tokens * K), K,
                scratch.Scales.AsSpan(0, tokens), threads: threads);
        }
        catch (ArgumentException e) when (IsNonFiniteInput(e))
        {
            throw InputOverflow(e);
        }
        scratch.Profile?.Lap(ForwardStep.Quantize);
    }

    /// <summary>y [tokens, N] from the codes and scales that <see cref="QuantizeInput"/> left in <paramref name="scratch"/> (for an input of width K).</summary>
    public abstract void ForwardQuantized(int tokens, Span<float> y, LinearScratch scratch, int threads);
}
