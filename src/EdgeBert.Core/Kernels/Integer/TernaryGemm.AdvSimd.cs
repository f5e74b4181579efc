using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace EdgeBert.Kernels.Integer;

/// <summary>
/// W2A8 / W1A8 on ARM with <c>SDOT</c>: codes (0..2, valid as s8) decoded by shift and
/// <c>&amp; 3</c> from one 64-byte block, dotted with 4-byte activation groups for four tokens
/// (16 accumulators, 4 raw + 4 code registers). The driver subtracts Σx for the +1 of the codes.
/// Compiled everywhere, run only on ARM64 with dotprod.
/// </summary>
internal readonly unsafe struct TernaryAdvSimdPanel : IIntegerPanelKernel
{
    public static KernelIsa Isa => KernelIsa.AdvSimd;
    public static bool IsSupported => AdvSimd.IsSupported && Dp.IsSupported;
    public static bool UsesVnni => false;
    public static int StagedValueBytes => 1;
    public static int ColumnOffset => 0;
    public static int TokenOffset => 1;

    public static void Stage(sbyte* x, int k, int kPad, byte* dst) => ActivationStaging.Bytes(x, k, kPad, dst, 0);

    public static void Run(byte* panel, int kPad, byte** rows, int* acc)
    {
        int blocks = kPad / 16;
        byte* a0 = rows[0], a1 = rows[1], a2 = rows[2], a3 = rows[3];
        Vector128<byte> three = Vector128.Create((byte)3);
        Vector128<int> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector128<int> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector128<int> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector128<int> c30 = default, c31 = default, c32 = default, c33 = default;
        byte* w = panel;
        for (int b = 0; b < blocks; b++, w += 64)
        {
            Vector128<ushort> r0 = Vector128.Load(w).AsUInt16(), r1 = Vector128.Load(w + 16).AsUInt16();
            Vector128<ushort> r2 = Vector128.Load(w + 32).AsUInt16(), r3 = Vector128.Load(w + 48).AsUInt16();
            int k0 = 16 * b;
            for (int q = 0; q < 4; q++, k0 += 4)
            {
                Vector128<sbyte> w0 = (r0.AsByte() & three).AsSByte(), w1 = (r1.AsByte() & three).AsSByte();
                Vector128<sbyte> w2 = (r2.AsByte() & three).AsSByte(), w3 = (r3.AsByte() & three).AsSByte();
                r0 = Vector128.ShiftRightLogical(r0, 2); r1 = Vector128.ShiftRightLogical(r1, 2);
                r2 = Vector128.ShiftRightLogical(r2, 2); r3 = Vector128.ShiftRightLogical(r3, 2);
                Vector128<sbyte> x = Vector128.Create(*(int*)(a0 + k0)).AsSByte();
                c00 = Dp.DotProduct(c00, w0, x); c01 = Dp.DotProduct(c01, w1, x);
                c02 = Dp.DotProduct(c02, w2, x); c03 = Dp.DotProduct(c03, w3, x);
                x = Vector128.Create(*(int*)(a1 + k0)).AsSByte();
                c10 = Dp.DotProduct(c10, w0, x); c11 = Dp.DotProduct(c11, w1, x);
                c12 = Dp.DotProduct(c12, w2, x); c13 = Dp.DotProduct(c13, w3, x);
                x = Vector128.Create(*(int*)(a2 + k0)).AsSByte();
                c20 = Dp.DotProduct(c20, w0, x); c21 = Dp.DotProduct(c21, w1, x);
                c22 = Dp.DotProduct(c22, w2, x); c23 = Dp.DotProduct(c23, w3, x);
                x = Vector128.Create(*(int*)(a3 + k0)).AsSByte();
                c30 = Dp.DotProduct(c30, w0, x); c31 = Dp.DotProduct(c31, w1, x);
                c32 = Dp.DotProduct(c32, w2, x); c33 = Dp.DotProduct(c33, w3, x);
            }
        }
        c00.Store(acc); c01.Store(acc + 4); c02.Store(acc + 8); c03.Store(acc + 12);
        c10.Store(acc + 16); c11.Store(acc + 20); c12.Store(acc + 24); c13.Store(acc + 28);
        c20.Store(acc + 32); c21.Store(acc + 36); c22.Store(acc + 40); c23.Store(acc + 44);
        c30.Store(acc + 48); c31.Store(acc + 52); c32.Store(acc + 56); c33.Store(acc + 60);
    }
}
