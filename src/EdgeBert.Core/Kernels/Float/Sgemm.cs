namespace EdgeBert.Kernels.Float;

/// <summary>
/// The FP32 GEMM family: the registry that picks one implementation at start-up from
/// <see cref="KernelIsaSelector.Active"/>, and the BLAS-like entry point the trainer calls.
/// </summary>
public static class Sgemm
{
    private static readonly Lazy<SgemmKernel> s_active = new(() => Create(KernelIsaSelector.Active));

    /// <summary>The implementation chosen for this process.</summary>
    public static SgemmKernel Active => s_active.Value;

    /// <summary>
    /// Constructs the implementation for <paramref name="isa"/>.
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">The ISA cannot run in this process.</exception>
    public static SgemmKernel Create(KernelIsa isa)
    {
        if (!KernelIsaSelector.IsSupported(isa))
        {
            throw new PlatformNotSupportedException($"SGEMM for {isa} cannot run on this CPU or runtime configuration.");
        }
        return isa switch
        {
            KernelIsa.Scalar => new ScalarSgemm(),
            KernelIsa.Vector128 => new SgemmBlocked<SgemmVector128MicroKernel>(),
            KernelIsa.AdvSimd => new SgemmBlocked<SgemmAdvSimdMicroKernel>(),
            KernelIsa.Avx2 => new SgemmBlocked<SgemmAvx2MicroKernel>(),
            KernelIsa.Avx512 => new SgemmBlocked<SgemmAvx512MicroKernel>(),
            _ => throw new ArgumentOutOfRangeException(nameof(isa), isa, "Unknown instruction-set family."),
        };
    }

    /// <summary>
    /// <c>C = alpha · op(A) · op(B) + beta · C</c> on row-major matrices with the active
    /// implementation. See <see cref="SgemmKernel.Gemm"/>.
    /// </summary>
    public static void Gemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc, int threads) =>
        Active.Gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads);
}
