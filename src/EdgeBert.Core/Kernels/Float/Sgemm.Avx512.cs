using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeBert.Kernels.Float;

/// <summary>
/// AVX-512 SGEMM micro-kernel: 12 rows × 32 columns = 24 zmm accumulators, one broadcast
/// A value and two B loads feed 24 FMAs per k step (OpenBLAS-style broadcast kernel); an 8-row
/// copy for the last row tile of 128 tokens.
/// </summary>
internal readonly unsafe struct SgemmAvx512MicroKernel : ISgemmMicroKernel
{
    /// <inheritdoc/>
    public static int Mr => 12;
    /// <inheritdoc/>
    public static int Nr => 32;
    /// <inheritdoc/>
    public static KernelIsa Isa => KernelIsa.Avx512;
    /// <summary>Whether this process can run the kernel.</summary>
    public static bool IsSupported => Avx512F.IsSupported;

    /// <inheritdoc/>
    public static int ShortRows => 8;

    /// <inheritdoc/>
    public static void RunShort(int kc, float* a, float* b, float* c, int ldc)
    {
        Vector512<float> c0_0 = default; Vector512<float> c0_1 = default;
        Vector512<float> c1_0 = default; Vector512<float> c1_1 = default;
        Vector512<float> c2_0 = default; Vector512<float> c2_1 = default;
        Vector512<float> c3_0 = default; Vector512<float> c3_1 = default;
        Vector512<float> c4_0 = default; Vector512<float> c4_1 = default;
        Vector512<float> c5_0 = default; Vector512<float> c5_1 = default;
        Vector512<float> c6_0 = default; Vector512<float> c6_1 = default;
        Vector512<float> c7_0 = default; Vector512<float> c7_1 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b + 0);
            Vector512<float> b1 = Vector512.Load(b + 16);
            Vector512<float> a0 = Vector512.Create(a[0]);
            c0_0 = Avx512F.FusedMultiplyAdd(a0, b0, c0_0);
            c0_1 = Avx512F.FusedMultiplyAdd(a0, b1, c0_1);
            Vector512<float> a1 = Vector512.Create(a[1]);
            c1_0 = Avx512F.FusedMultiplyAdd(a1, b0, c1_0);
            c1_1 = Avx512F.FusedMultiplyAdd(a1, b1, c1_1);
            Vector512<float> a2 = Vector512.Create(a[2]);
            c2_0 = Avx512F.FusedMultiplyAdd(a2, b0, c2_0);
            c2_1 = Avx512F.FusedMultiplyAdd(a2, b1, c2_1);
            Vector512<float> a3 = Vector512.Create(a[3]);
            c3_0 = Avx512F.FusedMultiplyAdd(a3, b0, c3_0);
            c3_1 = Avx512F.FusedMultiplyAdd(a3, b1, c3_1);
            Vector512<float> a4 = Vector512.Create(a[4]);
            c4_0 = Avx512F.FusedMultiplyAdd(a4, b0, c4_0);
            c4_1 = Avx512F.FusedMultiplyAdd(a4, b1, c4_1);
            Vector512<float> a5 = Vector512.Create(a[5]);
            c5_0 = Avx512F.FusedMultiplyAdd(a5, b0, c5_0);
            c5_1 = Avx512F.FusedMultiplyAdd(a5, b1, c5_1);
            Vector512<float> a6 = Vector512.Create(a[6]);
            c6_0 = Avx512F.FusedMultiplyAdd(a6, b0, c6_0);
            c6_1 = Avx512F.FusedMultiplyAdd(a6, b1, c6_1);
            Vector512<float> a7 = Vector512.Create(a[7]);
            c7_0 = Avx512F.FusedMultiplyAdd(a7, b0, c7_0);
            c7_1 = Avx512F.FusedMultiplyAdd(a7, b1, c7_1);
            a += 12;
            b += 32;
        }

        AddRow(c + 0L * ldc, c0_0, c0_1);
        AddRow(c + 1L * ldc, c1_0, c1_1);
        AddRow(c + 2L * ldc, c2_0, c2_1);
        AddRow(c + 3L * ldc, c3_0, c3_1);
        AddRow(c + 4L * ldc, c4_0, c4_1);
        AddRow(c + 5L * ldc, c5_0, c5_1);
        AddRow(c + 6L * ldc, c6_0, c6_1);
        AddRow(c + 7L * ldc, c7_0, c7_1);
    }

    /// <summary>C row (32 floats) += the two accumulators.</summary>
    private static void AddRow(float* row, Vector512<float> low, Vector512<float> high)
    {
        Vector512.Store(Vector512.Load(row + 0) + low, row + 0);
        Vector512.Store(Vector512.Load(row + 16) + high, row + 16);
    }

    /// <inheritdoc/>
    public static void Run(int kc, float* a, float* b, float* c, int ldc)
    {
        // Unrolled by hand, one local per accumulator, so the JIT keeps all of them
        // in registers (24 accumulators + 2 B vectors + 1 broadcast).
        Vector512<float> c0_0 = default; Vector512<float> c0_1 = default;
        Vector512<float> c1_0 = default; Vector512<float> c1_1 = default;
        Vector512<float> c2_0 = default; Vector512<float> c2_1 = default;
        Vector512<float> c3_0 = default; Vector512<float> c3_1 = default;
        Vector512<float> c4_0 = default; Vector512<float> c4_1 = default;
        Vector512<float> c5_0 = default; Vector512<float> c5_1 = default;
        Vector512<float> c6_0 = default; Vector512<float> c6_1 = default;
        Vector512<float> c7_0 = default; Vector512<float> c7_1 = default;
        Vector512<float> c8_0 = default; Vector512<float> c8_1 = default;
        Vector512<float> c9_0 = default; Vector512<float> c9_1 = default;
        Vector512<float> c10_0 = default; Vector512<float> c10_1 = default;
        Vector512<float> c11_0 = default; Vector512<float> c11_1 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b + 0);
            Vector512<float> b1 = Vector512.Load(b + 16);
            Vector512<float> a0 = Vector512.Create(a[0]);
            c0_0 = Avx512F.FusedMultiplyAdd(a0, b0, c0_0);
            c0_1 = Avx512F.FusedMultiplyAdd(a0, b1, c0_1);
            Vector512<float> a1 = Vector512.Create(a[1]);
            c1_0 = Avx512F.FusedMultiplyAdd(a1, b0, c1_0);
            c1_1 = Avx512F.FusedMultiplyAdd(a1, b1, c1_1);
            Vector512<float> a2 = Vector512.Create(a[2]);
            c2_0 = Avx512F.FusedMultiplyAdd(a2, b0, c2_0);
            c2_1 = Avx512F.FusedMultiplyAdd(a2, b1, c2_1);
            Vector512<float> a3 = Vector512.Create(a[3]);
            c3_0 = Avx512F.FusedMultiplyAdd(a3, b0, c3_0);
            c3_1 = Avx512F.FusedMultiplyAdd(a3, b1, c3_1);
            Vector512<float> a4 = Vector512.Create(a[4]);
            c4_0 = Avx512F.FusedMultiplyAdd(a4, b0, c4_0);
            c4_1 = Avx512F.FusedMultiplyAdd(a4, b1, c4_1);
            Vector512<float> a5 = Vector512.Create(a[5]);
            c5_0 = Avx512F.FusedMultiplyAdd(a5, b0, c5_0);
            c5_1 = Avx512F.FusedMultiplyAdd(a5, b1, c5_1);
            Vector512<float> a6 = Vector512.Create(a[6]);
            c6_0 = Avx512F.FusedMultiplyAdd(a6, b0, c6_0);
            c6_1 = Avx512F.FusedMultiplyAdd(a6, b1, c6_1);
            Vector512<float> a7 = Vector512.Create(a[7]);
            c7_0 = Avx512F.FusedMultiplyAdd(a7, b0, c7_0);
            c7_1 = Avx512F.FusedMultiplyAdd(a7, b1, c7_1);
            Vector512<float> a8 = Vector512.Create(a[8]);
            c8_0 = Avx512F.FusedMultiplyAdd(a8, b0, c8_0);
            c8_1 = Avx512F.FusedMultiplyAdd(a8, b1, c8_1);
            Vector512<float> a9 = Vector512.Create(a[9]);
            c9_0 = Avx512F.FusedMultiplyAdd(a9, b0, c9_0);
            c9_1 = Avx512F.FusedMultiplyAdd(a9, b1, c9_1);
            Vector512<float> a10 = Vector512.Create(a[10]);
            c10_0 = Avx512F.FusedMultiplyAdd(a10, b0, c10_0);
            c10_1 = Avx512F.FusedMultiplyAdd(a10, b1, c10_1);
            Vector512<float> a11 = Vector512.Create(a[11]);
            c11_0 = Avx512F.FusedMultiplyAdd(a11, b0, c11_0);
            c11_1 = Avx512F.FusedMultiplyAdd(a11, b1, c11_1);
            a += 12;
            b += 32;
        }

        float* row = c;
        Vector512.Store(Vector512.Load(row + 0) + c0_0, row + 0);
        Vector512.Store(Vector512.Load(row + 16) + c0_1, row + 16);
        row += ldc;
        Vector512.Store(Vector512.Load(row + 0) + c1_0, row + 0);
        Vector512.Store(Vector512.Load(row + 16) + c1_1, row + 16);
        row += ldc;
        Vector512.Store(Vector512.Load(row + 0) + c2_0, row + 0);
        Vector512.Store(Vector512.Load(row + 16) + c2_1, row + 16);
        row += ldc;
        Vector512.Store(Vector512.Load(row + 0) + c3_0, row + 0);
        Vector512.Store(Vector512.Load(row + 16) + c3_1, row + 16);
        row += ldc;
        Vector512.Store(Vector512.Load(row + 0) + c4_0, row + 0);
        Vector512.Store(Vector512.Load(row + 16) + c4_1, row + 16);
        row += ldc;
        Vector512.Store(Vector512.Load(row + 0) + c5_0, row + 0);
        Vector512.Store(Vector512.Load(row + 16) + c5_1, row + 16);
        row += ldc;
        Vector512.Store(Vector512.Load(row + 0) + c6_0, row + 0);
        Vector512.Store(Vector512.Load(row + 16) + c6_1, row + 16);
        row += ldc;
        Vector512.Store(Vector512.Load(row + 0) + c7_0, row + 0);
        Vector512.Store(Vector512.Load(row + 16) + c7_1, row + 16);
        row += ldc;
        Vector512.Store(Vector512.Load(row + 0) + c8_0, row + 0);
        Vector512.Store(Vector512.Load(row + 16) + c8_1, row + 16);
        row += ldc;
        Vector512.Store(Vector512.Load(row + 0) + c9_0, row + 0);
        Vector512.Store(Vector512.Load(row + 16) + c9_1, row + 16);
        row += ldc;
        Vector512.Store(Vector512.Load(row + 0) + c10_0, row + 0);
        Vector512.Store(Vector512.Load(row + 16) + c10_1, row + 16);
        row += ldc;
        Vector512.Store(Vector512.Load(row + 0) + c11_0, row + 0);
        Vector512.Store(Vector512.Load(row + 16) + c11_1, row + 16);
    }
}
