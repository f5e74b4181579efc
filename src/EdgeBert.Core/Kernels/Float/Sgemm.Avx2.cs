using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeBert.Kernels.Float;

/// <summary>
/// AVX2 + FMA SGEMM micro-kernel: 6 rows × 16 columns = 12 ymm accumulators, which with
/// two B vectors and one broadcast uses 15 of the 16 ymm registers.
/// </summary>
internal readonly unsafe struct SgemmAvx2MicroKernel : ISgemmMicroKernel
{
    /// <inheritdoc/>
    public static int Mr => 6;
    /// <inheritdoc/>
    public static int Nr => 16;
    /// <inheritdoc/>
    public static KernelIsa Isa => KernelIsa.Avx2;
    /// <summary>Whether this process can run the kernel.</summary>
    public static bool IsSupported => Avx2.IsSupported && Fma.IsSupported;

    /// <inheritdoc/>
    public static int ShortRows => Mr;

    /// <inheritdoc/>
    public static void RunShort(int kc, float* a, float* b, float* c, int ldc) => Run(kc, a, b, c, ldc);

    /// <inheritdoc/>
    public static void Run(int kc, float* a, float* b, float* c, int ldc)
    {
        // Unrolled by hand, one local per accumulator, so the JIT keeps all of them
        // in registers (12 accumulators + 2 B vectors + 1 broadcast).
        Vector256<float> c0_0 = default; Vector256<float> c0_1 = default;
        Vector256<float> c1_0 = default; Vector256<float> c1_1 = default;
        Vector256<float> c2_0 = default; Vector256<float> c2_1 = default;
        Vector256<float> c3_0 = default; Vector256<float> c3_1 = default;
        Vector256<float> c4_0 = default; Vector256<float> c4_1 = default;
        Vector256<float> c5_0 = default; Vector256<float> c5_1 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector256<float> b0 = Vector256.Load(b + 0);
            Vector256<float> b1 = Vector256.Load(b + 8);
            Vector256<float> a0 = Vector256.Create(a[0]);
            c0_0 = Fma.MultiplyAdd(a0, b0, c0_0);
            c0_1 = Fma.MultiplyAdd(a0, b1, c0_1);
            Vector256<float> a1 = Vector256.Create(a[1]);
            c1_0 = Fma.MultiplyAdd(a1, b0, c1_0);
            c1_1 = Fma.MultiplyAdd(a1, b1, c1_1);
            Vector256<float> a2 = Vector256.Create(a[2]);
            c2_0 = Fma.MultiplyAdd(a2, b0, c2_0);
            c2_1 = Fma.MultiplyAdd(a2, b1, c2_1);
            Vector256<float> a3 = Vector256.Create(a[3]);
            c3_0 = Fma.MultiplyAdd(a3, b0, c3_0);
            c3_1 = Fma.MultiplyAdd(a3, b1, c3_1);
            Vector256<float> a4 = Vector256.Create(a[4]);
            c4_0 = Fma.MultiplyAdd(a4, b0, c4_0);
            c4_1 = Fma.MultiplyAdd(a4, b1, c4_1);
            Vector256<float> a5 = Vector256.Create(a[5]);
            c5_0 = Fma.MultiplyAdd(a5, b0, c5_0);
            c5_1 = Fma.MultiplyAdd(a5, b1, c5_1);
            a += 6;
            b += 16;
        }

        float* row = c;
        Vector256.Store(Vector256.Load(row + 0) + c0_0, row + 0);
        Vector256.Store(Vector256.Load(row + 8) + c0_1, row + 8);
        row += ldc;
        Vector256.Store(Vector256.Load(row + 0) + c1_0, row + 0);
        Vector256.Store(Vector256.Load(row + 8) + c1_1, row + 8);
        row += ldc;
        Vector256.Store(Vector256.Load(row + 0) + c2_0, row + 0);
        Vector256.Store(Vector256.Load(row + 8) + c2_1, row + 8);
        row += ldc;
        Vector256.Store(Vector256.Load(row + 0) + c3_0, row + 0);
        Vector256.Store(Vector256.Load(row + 8) + c3_1, row + 8);
        row += ldc;
        Vector256.Store(Vector256.Load(row + 0) + c4_0, row + 0);
        Vector256.Store(Vector256.Load(row + 8) + c4_1, row + 8);
        row += ldc;
        Vector256.Store(Vector256.Load(row + 0) + c5_0, row + 0);
        Vector256.Store(Vector256.Load(row + 8) + c5_1, row + 8);
    }
}
