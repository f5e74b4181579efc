namespace EdgeBert.Kernels.Float;

/// <summary>
/// The scalar SGEMM: plain loops in float, the oracle every SIMD path is tested against
/// (itself checked against a float64 naive product). Row order i, p, j keeps the inner loop
/// contiguous for the untransposed case, which is also what makes it usable as a fallback.
/// </summary>
internal sealed class ScalarSgemm : SgemmKernel
{
    public override KernelIsa Isa => KernelIsa.Scalar;

    private protected override void Accumulate(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, int threads)
    {
        // Threads are accepted for API symmetry; the oracle stays single-threaded and simple.
        for (int i = 0; i < m; i++)
        {
            Span<float> ci = c.Slice(i * ldc, n);
            for (int p = 0; p < k; p++)
            {
                float aip = alpha * (transA ? a[p * lda + i] : a[i * lda + p]);
                for (int j = 0; j < n; j++)
                {
                    ci[j] += aip * (transB ? b[j * ldb + p] : b[p * ldb + j]);
                }
            }
        }
    }

    private protected override PackedSgemmWeights PackCore(ReadOnlySpan<float> weights, int n, int k) =>
        new(KernelIsa.Scalar, n, k, nr: 0, kc: k, weights.ToArray());

    private protected override void LinearCore(PackedSgemmWeights weights, ReadOnlySpan<float> x, int m, int ldx,
        ReadOnlySpan<float> bias, Span<float> y, int ldy, int threads)
    {
        int n = weights.N, k = weights.K;
        ReadOnlySpan<float> w = weights.Data;
        for (int i = 0; i < m; i++)
        {
            ReadOnlySpan<float> xi = x.Slice(i * ldx, k);
            for (int j = 0; j < n; j++)
            {
                ReadOnlySpan<float> wj = w.Slice(j * k, k);
                float sum = 0f;
                for (int p = 0; p < k; p++) sum += xi[p] * wj[p];
                y[i * ldy + j] = (bias.IsEmpty ? 0f : bias[j]) + sum;
            }
        }
    }
}
