using EdgeBert.Kernels.Float;

namespace EdgeBert.Encoder;

/// <summary>FP32 linear on the blocked SGEMM, weights packed once at load.</summary>
internal sealed class FloatLinear(string name, SgemmKernel sgemm, PackedSgemmWeights weights, float[] bias)
    : QuantizedLinear(name, LinearScheme.Fp32, weights.N, weights.K)
{
    public override void Forward(ReadOnlySpan<float> x, int tokens, Span<float> y, LinearScratch scratch, int threads)
    {
        ThrowIfBad(x, tokens, y);
        sgemm.Linear(weights, x.Slice(0, tokens * K), tokens, bias, y.Slice(0, tokens * N), threads);
    }
}
