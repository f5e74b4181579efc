using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeBert.Kernels.Integer;

/// <summary>
/// W2A8 / W1A8 for the <see cref="KernelIsa.Vector128"/> family on x86 (SSSE3, within
/// x86-64-v2): the <c>pmaddubsw</c> path of <see cref="TernaryAvx2Panel"/> at 128 bits, with the
/// same bound (int16 sums flushed every <see cref="TernaryAvx2Panel.FlushBlocks"/> blocks).
/// A quarter panel (4 outputs, one xmm of codes) at a time; lane j of the flushed int32 vector
/// is output 4·quarter + j. The portable widening kernel stays the fallback elsewhere.
/// </summary>
internal readonly unsafe struct TernarySsePanel : IIntegerPanelKernel
{
    public static KernelIsa Isa => KernelIsa.Vector128;
    public static bool IsSupported => Ssse3.IsSupported;
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
        Vector128<short> ones = Vector128.Create((short)1);
        for (int quarter = 0; quarter < 4; quarter++)
        {
            Vector128<int> c0 = default, c1 = default, c2 = default, c3 = default;
            byte* w = panel + quarter * 16;
            for (int b0 = 0; b0 < blocks; b0 += TernaryAvx2Panel.FlushBlocks)
            {
                Vector128<short> s0 = default, s1 = default, s2 = default, s3 = default;
                int bEnd = Math.Min(blocks, b0 + TernaryAvx2Panel.FlushBlocks);
                for (int b = b0; b < bEnd; b++, w += 64)
                {
                    Vector128<ushort> raw = Vector128.Load(w).AsUInt16();
                    int k0 = 16 * b;
                    for (int q = 0; q < 4; q++, k0 += 4)
                    {
                        Vector128<byte> codes = raw.AsByte() & three;
                        raw = Vector128.ShiftRightLogical(raw, 2);
                        s0 += Ssse3.MultiplyAddAdjacent(codes, Vector128.Create(*(int*)(a0 + k0)).AsSByte());
                        s1 += Ssse3.MultiplyAddAdjacent(codes, Vector128.Create(*(int*)(a1 + k0)).AsSByte());
                        s2 += Ssse3.MultiplyAddAdjacent(codes, Vector128.Create(*(int*)(a2 + k0)).AsSByte());
                        s3 += Ssse3.MultiplyAddAdjacent(codes, Vector128.Create(*(int*)(a3 + k0)).AsSByte());
                    }
                }
                c0 += Sse2.MultiplyAddAdjacent(s0, ones);
                c1 += Sse2.MultiplyAddAdjacent(s1, ones);
                c2 += Sse2.MultiplyAddAdjacent(s2, ones);
                c3 += Sse2.MultiplyAddAdjacent(s3, ones);
            }
            int o = quarter * 4;
            c0.Store(acc + 0 * 16 + o);
            c1.Store(acc + 1 * 16 + o);
            c2.Store(acc + 2 * 16 + o);
            c3.Store(acc + 3 * 16 + o);
        }
    }
}
