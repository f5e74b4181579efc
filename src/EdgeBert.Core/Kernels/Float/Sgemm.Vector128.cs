using System.Runtime.Intrinsics;

namespace EdgeBert.Kernels.Float;

/// <summary>
/// Portable Vector128 SGEMM micro-kernel: 4 rows × 8 columns = 8 accumulators (fits the 16
/// xmm registers of SSE and leaves room on NEON). <c>MultiplyAddEstimate</c> fuses where the
/// hardware has FMA and falls back to multiply + add where it does not.
/// </summary>
internal readonly unsafe struct SgemmVector128MicroKernel : ISgemmMicroKernel
{
    /// <inheritdoc/>
    public static int Mr => 4;
    /// <inheritdoc/>
    public static int Nr => 8;
    /// <inheritdoc/>
    public static KernelIsa Isa => KernelIsa.Vector128;
    /// <summary>Whether this process can run the kernel.</summary>
    public static bool IsSupported => Vector128.IsHardwareAccelerated;

    /// <inheritdoc/>
    public static int ShortRows => Mr;

    /// <inheritdoc/>
    public static void RunShort(int kc, float* a, float* b, float* c, int ldc) => Run(kc, a, b, c, ldc);

    /// <inheritdoc/>
    public static void Run(int kc, float* a, float* b, float* c, int ldc)
    {
        // Unrolled by hand, one local per accumulator, so the JIT keeps all of them
        // in registers (8 accumulators + 2 B vectors + 1 broadcast).
        Vector128<float> c0_0 = default; Vector128<float> c0_1 = default;
        Vector128<float> c1_0 = default; Vector128<float> c1_1 = default;
        Vector128<float> c2_0 = default; Vector128<float> c2_1 = default;
        Vector128<float> c3_0 = default; Vector128<float> c3_1 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector128<float> b0 = Vector128.Load(b + 0);
            Vector128<float> b1 = Vector128.Load(b + 4);
            Vector128<float> a0 = Vector128.Create(a[0]);
            c0_0 = Vector128.MultiplyAddEstimate(a0, b0, c0_0);
            c0_1 = Vector128.MultiplyAddEstimate(a0, b1, c0_1);
            Vector128<float> a1 = Vector128.Create(a[1]);
            c1_0 = Vector128.MultiplyAddEstimate(a1, b0, c1_0);
            c1_1 = Vector128.MultiplyAddEstimate(a1, b1, c1_1);
            Vector128<float> a2 = Vector128.Create(a[2]);
            c2_0 = Vector128.MultiplyAddEstimate(a2, b0, c2_0);
            c2_1 = Vector128.MultiplyAddEstimate(a2, b1, c2_1);
            Vector128<float> a3 = Vector128.Create(a[3]);
            c3_0 = Vector128.MultiplyAddEstimate(a3, b0, c3_0);
            c3_1 = Vector128.MultiplyAddEstimate(a3, b1, c3_1);
            a += 4;
            b += 8;
        }

        float* row = c;
        Vector128.Store(Vector128.Load(row + 0) + c0_0, row + 0);
        Vector128.Store(Vector128.Load(row + 4) + c0_1, row + 4);
        row += ldc;
        Vector128.Store(Vector128.Load(row + 0) + c1_0, row + 0);
        Vector128.Store(Vector128.Load(row + 4) + c1_1, row + 4);
        row += ldc;
        Vector128.Store(Vector128.Load(row + 0) + c2_0, row + 0);
        Vector128.Store(Vector128.Load(row + 4) + c2_1, row + 4);
        row += ldc;
        Vector128.Store(Vector128.Load(row + 0) + c3_0, row + 0);
        Vector128.Store(Vector128.Load(row + 4) + c3_1, row + 4);
    }
}
