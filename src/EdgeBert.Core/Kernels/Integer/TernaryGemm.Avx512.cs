using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeBert.Kernels.Integer;

/// <summary>
/// W2A8 / W1A8 on AVX-512BW: one 64-byte load is the whole 16-output block; four
/// shift/<c>&amp; 3</c> decodes feed 512-bit <c>vpmaddubsw</c> for four tokens, int16 sums
/// flushed with <c>vpmaddwd</c> every <see cref="TernaryAvx2Panel.FlushBlocks"/> blocks (the
/// same no-saturation bound as <see cref="TernaryAvx2Panel"/>); lane j of the flushed int32
/// vector is output j directly.
/// </summary>
internal readonly unsafe struct TernaryAvx512Panel : IIntegerPanelKernel
{
    public static KernelIsa Isa => KernelIsa.Avx512;
    public static bool IsSupported => Avx512BW.IsSupported;
    public static bool UsesVnni => false;
    public static int StagedValueBytes => 1;
    public static int ColumnOffset => 0;
    public static int TokenOffset => 1;

    public static void Stage(sbyte* x, int k, int kPad, byte* dst) => ActivationStaging.Bytes(x, k, kPad, dst, 0);

    public static void Run(byte* panel, int kPad, byte** rows, int* acc)
    {
        int blocks = kPad / 16;
        byte* a0 = rows[0], a1 = rows[1], a2 = rows[2], a3 = rows[3];
        Vector512<byte> three = Vector512.Create((byte)3);
        Vector512<short> ones = Vector512.Create((short)1);
        Vector512<int> c0 = default, c1 = default, c2 = default, c3 = default;
        byte* w = panel;
        for (int b0 = 0; b0 < blocks; b0 += TernaryAvx2Panel.FlushBlocks)
        {
            Vector512<short> s0 = default, s1 = default, s2 = default, s3 = default;
            int bEnd = Math.Min(blocks, b0 + TernaryAvx2Panel.FlushBlocks);
            for (int b = b0; b < bEnd; b++, w += 64)
            {
                Vector512<ushort> raw = Vector512.Load(w).AsUInt16();
                int k0 = 16 * b;
                // Unrolled over the four K groups of the block (q = 0..3): no loop counter in the hot path.
                Vector512<byte> codes0 = raw.AsByte() & three;
                Vector512<byte> codes1 = Vector512.ShiftRightLogical(raw, 2).AsByte() & three;
                Vector512<byte> codes2 = Vector512.ShiftRightLogical(raw, 4).AsByte() & three;
                Vector512<byte> codes3 = Vector512.ShiftRightLogical(raw, 6).AsByte() & three;
                s0 += Avx512BW.MultiplyAddAdjacent(codes0, Vector512.Create(*(int*)(a0 + k0)).AsSByte());
                s1 += Avx512BW.MultiplyAddAdjacent(codes0, Vector512.Create(*(int*)(a1 + k0)).AsSByte());
                s2 += Avx512BW.MultiplyAddAdjacent(codes0, Vector512.Create(*(int*)(a2 + k0)).AsSByte());
                s3 += Avx512BW.MultiplyAddAdjacent(codes0, Vector512.Create(*(int*)(a3 + k0)).AsSByte());
                s0 += Avx512BW.MultiplyAddAdjacent(codes1, Vector512.Create(*(int*)(a0 + k0 + 4)).AsSByte());
                s1 += Avx512BW.MultiplyAddAdjacent(codes1, Vector512.Create(*(int*)(a1 + k0 + 4)).AsSByte());
                s2 += Avx512BW.MultiplyAddAdjacent(codes1, Vector512.Create(*(int*)(a2 + k0 + 4)).AsSByte());
                s3 += Avx512BW.MultiplyAddAdjacent(codes1, Vector512.Create(*(int*)(a3 + k0 + 4)).AsSByte());
                s0 += Avx512BW.MultiplyAddAdjacent(codes2, Vector512.Create(*(int*)(a0 + k0 + 8)).AsSByte());
                s1 += Avx512BW.MultiplyAddAdjacent(codes2, Vector512.Create(*(int*)(a1 + k0 + 8)).AsSByte());
                s2 += Avx512BW.MultiplyAddAdjacent(codes2, Vector512.Create(*(int*)(a2 + k0 + 8)).AsSByte());
                s3 += Avx512BW.MultiplyAddAdjacent(codes2, Vector512.Create(*(int*)(a3 + k0 + 8)).AsSByte());
                s0 += Avx512BW.MultiplyAddAdjacent(codes3, Vector512.Create(*(int*)(a0 + k0 + 12)).AsSByte());
                s1 += Avx512BW.MultiplyAddAdjacent(codes3, Vector512.Create(*(int*)(a1 + k0 + 12)).AsSByte());
                s2 += Avx512BW.MultiplyAddAdjacent(codes3, Vector512.Create(*(int*)(a2 + k0 + 12)).AsSByte());
                s3 += Avx512BW.MultiplyAddAdjacent(codes3, Vector512.Create(*(int*)(a3 + k0 + 12)).AsSByte());
            }
            c0 += Avx512BW.MultiplyAddAdjacent(s0, ones);
            c1 += Avx512BW.MultiplyAddAdjacent(s1, ones);
            c2 += Avx512BW.MultiplyAddAdjacent(s2, ones);
            c3 += Avx512BW.MultiplyAddAdjacent(s3, ones);
        }
        c0.Store(acc); c1.Store(acc + 16); c2.Store(acc + 32); c3.Store(acc + 48);
    }
}
