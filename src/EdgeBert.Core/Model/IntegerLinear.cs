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
    : Int8InputLinear(name, scheme, weights.N, weights.K)
    where TWeights : PackedIntegerWeights
{
    /// <summary>The GEMM implementation this layer runs.</summary>
    public IntegerGemmKernel<TWeights> Gemm => gemm;

    public override void ForwardQuantized(int tokens, Span<float> y, LinearScratch scratch, int threads)
    {
        if (y.Length < tokens * N) throw new ArgumentException($"{Name}: {y.Length} output floats for {tokens} tokens of [{N}, {K}].");
        gemm.Multiply(weights, scratch.Codes.AsSpan(0, tokens * K), tokens, K, scratch.Scales.AsSpan(0, tokens), bias, y, N, threads);
    }
}
