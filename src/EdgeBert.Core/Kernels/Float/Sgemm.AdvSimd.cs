using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace EdgeBert.Kernels.Float;

/// <summary>
/// ARM AdvSimd SGEMM micro-kernel: 8 rows × 12 columns = 24 of the 32 NEON registers as
/// accumulators, three B vectors and one <c>ld1r</c> broadcast, <c>fmla</c> throughout. Compiled
/// everywhere, run only where <see cref="AdvSimd.IsSupported"/> (not on the x86 build machine).
/// </summary>
internal readonly unsafe struct SgemmAdvSimdMicroKernel : ISgemmMicroKernel
{
    /// <inheritdoc/>
    public static int Mr => 8;
    /// <inheritdoc/>
    public static int Nr => 12;
    /// <inheritdoc/>
    public static KernelIsa Isa => KernelIsa.AdvSimd;
    /// <summary>Whether this process can run the kernel.</summary>
    public static bool IsSupported => AdvSimd.IsSupported;

    /// <inheritdoc/>
    public static int ShortRows => Mr;

    /// <inheritdoc/>
    public static void RunShort(int kc, float* a, float* b, float* c, int ldc) => Run(kc, a, b, c, ldc);

    /// <inheritdoc/>
    public static void Run(int kc, float* a, float* b, float* c, int ldc)
    {
        // Unrolled by hand, one local per accumulator, so the JIT keeps all 24 in registers.
        Vector128<float> c0_0 = default; Vector128<float> c0_1 = default; Vector128<float> c0_2 = default;
        Vector128<float> c1_0 = default; Vector128<float> c1_1 = default; Vector128<float> c1_2 = default;
        Vector128<float> c2_0 = default; Vector128<float> c2_1 = default; Vector128<float> c2_2 = default;
        Vector128<float> c3_0 = default; Vector128<float> c3_1 = default; Vector128<float> c3_2 = default;
        Vector128<float> c4_0 = default; Vector128<float> c4_1 = default; Vector128<float> c4_2 = default;
        Vector128<float> c5_0 = default; Vector128<float> c5_1 = default; Vector128<float> c5_2 = default;
        Vector128<float> c6_0 = default; Vector128<float> c6_1 = default; Vector128<float> c6_2 = default;
        Vector128<float> c7_0 = default; Vector128<float> c7_1 = default; Vector128<float> c7_2 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector128<float> b0 = Vector128.Load(b + 0);
            Vector128<float> b1 = Vector128.Load(b + 4);
            Vector128<float> b2 = Vector128.Load(b + 8);
            Vector128<float> a0 = Vector128.Create(a[0]);
            c0_0 = AdvSimd.FusedMultiplyAdd(c0_0, a0, b0);
            c0_1 = AdvSimd.FusedMultiplyAdd(c0_1, a0, b1);
            c0_2 = AdvSimd.FusedMultiplyAdd(c0_2, a0, b2);
            Vector128<float> a1 = Vector128.Create(a[1]);
            c1_0 = AdvSimd.FusedMultiplyAdd(c1_0, a1, b0);
            c1_1 = AdvSimd.FusedMultiplyAdd(c1_1, a1, b1);
            c1_2 = AdvSimd.FusedMultiplyAdd(c1_2, a1, b2);
            Vector128<float> a2 = Vector128.Create(a[2]);
            c2_0 = AdvSimd.FusedMultiplyAdd(c2_0, a2, b0);
            c2_1 = AdvSimd.FusedMultiplyAdd(c2_1, a2, b1);
            c2_2 = AdvSimd.FusedMultiplyAdd(c2_2, a2, b2);
            Vector128<float> a3 = Vector128.Create(a[3]);
            c3_0 = AdvSimd.FusedMultiplyAdd(c3_0, a3, b0);
            c3_1 = AdvSimd.FusedMultiplyAdd(c3_1, a3, b1);
            c3_2 = AdvSimd.FusedMultiplyAdd(c3_2, a3, b2);
            Vector128<float> a4 = Vector128.Create(a[4]);
            c4_0 = AdvSimd.FusedMultiplyAdd(c4_0, a4, b0);
            c4_1 = AdvSimd.FusedMultiplyAdd(c4_1, a4, b1);
            c4_2 = AdvSimd.FusedMultiplyAdd(c4_2, a4, b2);
            Vector128<float> a5 = Vector128.Create(a[5]);
            c5_0 = AdvSimd.FusedMultiplyAdd(c5_0, a5, b0);
            c5_1 = AdvSimd.FusedMultiplyAdd(c5_1, a5, b1);
            c5_2 = AdvSimd.FusedMultiplyAdd(c5_2, a5, b2);
            Vector128<float> a6 = Vector128.Create(a[6]);
            c6_0 = AdvSimd.FusedMultiplyAdd(c6_0, a6, b0);
            c6_1 = AdvSimd.FusedMultiplyAdd(c6_1, a6, b1);
            c6_2 = AdvSimd.FusedMultiplyAdd(c6_2, a6, b2);
            Vector128<float> a7 = Vector128.Create(a[7]);
            c7_0 = AdvSimd.FusedMultiplyAdd(c7_0, a7, b0);
            c7_1 = AdvSimd.FusedMultiplyAdd(c7_1, a7, b1);
            c7_2 = AdvSimd.FusedMultiplyAdd(c7_2, a7, b2);
            a += 8;
            b += 12;
        }

        float* row = c;
        Vector128.Store(Vector128.Load(row + 0) + c0_0, row + 0);
        Vector128.Store(Vector128.Load(row + 4) + c0_1, row + 4);
        Vector128.Store(Vector128.Load(row + 8) + c0_2, row + 8);
        row += ldc;
        Vector128.Store(Vector128.Load(row + 0) + c1_0, row + 0);
        Vector128.Store(Vector128.Load(row + 4) + c1_1, row + 4);
        Vector128.Store(Vector128.Load(row + 8) + c1_2, row + 8);
        row += ldc;
        Vector128.Store(Vector128.Load(row + 0) + c2_0, row + 0);
        Vector128.Store(Vector128.Load(row + 4) + c2_1, row + 4);
        Vector128.Store(Vector128.Load(row + 8) + c2_2, row + 8);
        row += ldc;
        Vector128.Store(Vector128.Load(row + 0) + c3_0, row + 0);
        Vector128.Store(Vector128.Load(row + 4) + c3_1, row + 4);
        Vector128.Store(Vector128.Load(row + 8) + c3_2, row + 8);
        row += ldc;
        Vector128.Store(Vector128.Load(row + 0) + c4_0, row + 0);
        Vector128.Store(Vector128.Load(row + 4) + c4_1, row + 4);
        Vector128.Store(Vector128.Load(row + 8) + c4_2, row + 8);
        row += ldc;
        Vector128.Store(Vector128.Load(row + 0) + c5_0, row + 0);
        Vector128.Store(Vector128.Load(row + 4) + c5_1, row + 4);
        Vector128.Store(Vector128.Load(row + 8) + c5_2, row + 8);
        row += ldc;
        Vector128.Store(Vector128.Load(row + 0) + c6_0, row + 0);
        Vector128.Store(Vector128.Load(row + 4) + c6_1, row + 4);
        Vector128.Store(Vector128.Load(row + 8) + c6_2, row + 8);
        row += ldc;
        Vector128.Store(Vector128.Load(row + 0) + c7_0, row + 0);
        Vector128.Store(Vector128.Load(row + 4) + c7_1, row + 4);
        Vector128.Store(Vector128.Load(row + 8) + c7_2, row + 8);
    }
}
