using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace EdgeBert.Kernels.Integer;

/// <summary>
/// W8A8 on ARM with the dot-product extension: <c>SDOT</c> (<see cref="Dp.DotProduct(Vector128{int}, Vector128{sbyte}, Vector128{sbyte})"/>)
/// multiplies 4 s8 × 4 s8 into each int32 lane, exactly the panel's lane-per-output layout, and is
/// signed on both sides, so no +128 compensation is needed. 4 tokens × 4 vectors = 16 of the 32
/// NEON registers as accumulators. Compiled everywhere, run only on ARM64 with dotprod.
/// </summary>
internal readonly unsafe struct Int8AdvSimdPanel : IIntegerPanelKernel
{
    public static KernelIsa Isa => KernelIsa.AdvSimd;
    public static bool IsSupported => AdvSimd.IsSupported && Dp.IsSupported;
    public static bool UsesVnni => false;
    public static int StagedValueBytes => 1;
    public static int ColumnOffset => 0;
    public static int TokenOffset => 0;

    public static void Stage(sbyte* x, int k, int kPad, byte* dst) => ActivationStaging.Bytes(x, k, kPad, dst, 0);

    public static void Run(byte* panel, int kPad, byte** rows, int* acc)
    {
        int groups = kPad / 4;
        byte* a0 = rows[0], a1 = rows[1], a2 = rows[2], a3 = rows[3];
        Vector128<int> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector128<int> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector128<int> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector128<int> c30 = default, c31 = default, c32 = default, c33 = default;
        sbyte* w = (sbyte*)panel;
        for (int g = 0; g < groups; g++, w += 64)
        {
            Vector128<sbyte> w0 = Vector128.Load(w), w1 = Vector128.Load(w + 16);
            Vector128<sbyte> w2 = Vector128.Load(w + 32), w3 = Vector128.Load(w + 48);
            Vector128<sbyte> x = Vector128.Create(*(int*)(a0 + 4 * g)).AsSByte();
            c00 = Dp.DotProduct(c00, w0, x); c01 = Dp.DotProduct(c01, w1, x);
            c02 = Dp.DotProduct(c02, w2, x); c03 = Dp.DotProduct(c03, w3, x);
            x = Vector128.Create(*(int*)(a1 + 4 * g)).AsSByte();
            c10 = Dp.DotProduct(c10, w0, x); c11 = Dp.DotProduct(c11, w1, x);
            c12 = Dp.DotProduct(c12, w2, x); c13 = Dp.DotProduct(c13, w3, x);
            x = Vector128.Create(*(int*)(a2 + 4 * g)).AsSByte();
            c20 = Dp.DotProduct(c20, w0, x); c21 = Dp.DotProduct(c21, w1, x);
            c22 = Dp.DotProduct(c22, w2, x); c23 = Dp.DotProduct(c23, w3, x);
            x = Vector128.Create(*(int*)(a3 + 4 * g)).AsSByte();
            c30 = Dp.DotProduct(c30, w0, x); c31 = Dp.DotProduct(c31, w1, x);
            c32 = Dp.DotProduct(c32, w2, x); c33 = Dp.DotProduct(c33, w3, x);
        }
        c00.Store(acc); c01.Store(acc + 4); c02.Store(acc + 8); c03.Store(acc + 12);
        c10.Store(acc + 16); c11.Store(acc + 20); c12.Store(acc + 24); c13.Store(acc + 28);
        c20.Store(acc + 32); c21.Store(acc + 36); c22.Store(acc + 40); c23.Store(acc + 44);
        c30.Store(acc + 48); c31.Store(acc + 52); c32.Store(acc + 56); c33.Store(acc + 60);
    }
}
