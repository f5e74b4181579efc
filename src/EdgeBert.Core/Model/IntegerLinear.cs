using EdgeBert.Kernels.Integer;
using EdgeBert.Runtime;

namespace EdgeBert.Encoder;

/// <summary>
/// W8A8, W2A8 and W1A8 on the integer GEMMs: weights packed once (int8 codes, or 2-bit codes of
/// ternary/binary weights) with a scale per output row, times A8 activations
/// (<see cref="Int8Quantization.QuantizeSymmetric"/>, per token).
/// y[m, n] = (float)Σ q_a·q_w · (scale_w[n] · scale_a[m]) + b[n]; the integer sum is exact.
/// </summary>
internal sealed class IntegerLinear<TWeights>(string name, LinearScheme scheme, IntegerGemmKernel<TWeights> gemm, TWeights weights, float[] bias)
    : QuantizedLinear(name, scheme, weights.N, weights.K)
    where TWeights : PackedIntegerWeights
{
    public override void Forward(ReadOnlySpan<float> x, int tokens, Span<float> y, LinearScratch scratch, int threads)
    {
        ThrowIfBad(x, tokens, y);
        Span<sbyte> codes = scratch.Codes.AsSpan(0, tokens * K);
        Span<float> scales = scratch.Scales.AsSpan(0, tokens);
        try
        {
            Int8Quantization.QuantizeSymmetric(x, tokens, K, K, codes, K, scales);
        }
        catch (ArgumentException e) when (IsNonFiniteInput(e))
        {
            throw InputOverflow(e);
        }
        scratch.Profile?.Lap(ForwardStep.Quantize);
        gemm.Multiply(weights, codes, tokens, K, scales, bias, y, N, threads);
    }
}
