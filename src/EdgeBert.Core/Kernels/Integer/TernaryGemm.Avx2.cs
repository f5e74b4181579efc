using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeBert.Kernels.Integer;

/// <summary>
/// W2A8 / W1A8 on AVX2 without VNNI: <c>vpmaddubsw</c> (u8 codes × s8 activations) into int16,
/// widened by <c>vpmaddwd</c> with ones every <see cref="FlushBlocks"/> blocks.
/// </summary>
/// <remarks>
/// Bound: a <c>vpmaddubsw</c> lane is c₀x₀ + c₁x₁ with c ∈ {0, 1, 2}, x ∈ [−128, 127], so it
/// lies in [−512, 508] and never saturates. An int16 accumulator takes one such lane per step
/// (4 steps per 16-K block); after 64 steps it lies in [−32768, 32512], inside int16, so
/// flushing every 16 blocks (256 K) is exact (bitnet.cpp's I2_S sums 128 steps and can wrap).
/// </remarks>
internal readonly unsafe struct TernaryAvx2Panel : IIntegerPanelKernel
{
    /// <summary>Blocks of 16 K between int16 → int32 flushes (64 steps).</summary>
    internal const int FlushBlocks = 16;

    public static KernelIsa Isa => KernelIsa.Avx2;
    public static bool IsSupported => Avx2.IsSupported;
    public static bool UsesVnni => false;
    public static int StagedValueBytes => 1;
    public static int ColumnOffset => 0;
    public static int TokenOffset => 1;

    public static void Stage(sbyte* x, int k, int kPad, byte* dst) => ActivationStaging.Bytes(x, k, kPad, dst, 0);

    public static void Run(byte* panel, int kPad, byte** rows, int* acc)
    {
        int blocks = kPad / 16;
        byte* a0 = rows[0], a1 = rows[1], a2 = rows[2], a3 = rows[3];
        Vector256<byte> three = Vector256.Create((byte)3);
        Vector256<short> ones = Vector256.Create((short)1);
        Vector256<int> c0a = default, c0b = default, c1a = default, c1b = default;
        Vector256<int> c2a = default, c2b = default, c3a = default, c3b = default;
        byte* w = panel;
        for (int b0 = 0; b0 < blocks; b0 += FlushBlocks)
        {
            Vector256<short> s0a = default, s0b = default, s1a = default, s1b = default;
            Vector256<short> s2a = default, s2b = default, s3a = default, s3b = default;
            int bEnd = Math.Min(blocks, b0 + FlushBlocks);
            for (int b = b0; b < bEnd; b++, w += 64)
            {
                Vector256<ushort> ra = Vector256.Load(w).AsUInt16(), rb = Vector256.Load(w + 32).AsUInt16();
                int k0 = 16 * b;
                // Unrolled over the four K groups of the block (q = 0..3), codes decoded just before use
                // so only two code vectors are live (16 ymm registers without AVX-512).
                Vector256<byte> wa, wb;
                Vector256<sbyte> x;
                wa = ra.AsByte() & three;
                wb = rb.AsByte() & three;
                x = Vector256.Create(*(int*)(a0 + k0)).AsSByte();
                s0a += Avx2.MultiplyAddAdjacent(wa, x);
                s0b += Avx2.MultiplyAddAdjacent(wb, x);
                x = Vector256.Create(*(int*)(a1 + k0)).AsSByte();
                s1a += Avx2.MultiplyAddAdjacent(wa, x);
                s1b += Avx2.MultiplyAddAdjacent(wb, x);
                x = Vector256.Create(*(int*)(a2 + k0)).AsSByte();
                s2a += Avx2.MultiplyAddAdjacent(wa, x);
                s2b += Avx2.MultiplyAddAdjacent(wb, x);
                x = Vector256.Create(*(int*)(a3 + k0)).AsSByte();
                s3a += Avx2.MultiplyAddAdjacent(wa, x);
                s3b += Avx2.MultiplyAddAdjacent(wb, x);
                wa = Vector256.ShiftRightLogical(ra, 2).AsByte() & three;
                wb = Vector256.ShiftRightLogical(rb, 2).AsByte() & three;
                x = Vector256.Create(*(int*)(a0 + k0 + 4)).AsSByte();
                s0a += Avx2.MultiplyAddAdjacent(wa, x);
                s0b += Avx2.MultiplyAddAdjacent(wb, x);
                x = Vector256.Create(*(int*)(a1 + k0 + 4)).AsSByte();
                s1a += Avx2.MultiplyAddAdjacent(wa, x);
                s1b += Avx2.MultiplyAddAdjacent(wb, x);
                x = Vector256.Create(*(int*)(a2 + k0 + 4)).AsSByte();
                s2a += Avx2.MultiplyAddAdjacent(wa, x);
                s2b += Avx2.MultiplyAddAdjacent(wb, x);
                x = Vector256.Create(*(int*)(a3 + k0 + 4)).AsSByte();
                s3a += Avx2.MultiplyAddAdjacent(wa, x);
                s3b += Avx2.MultiplyAddAdjacent(wb, x);
                wa = Vector256.ShiftRightLogical(ra, 4).AsByte() & three;
                wb = Vector256.ShiftRightLogical(rb, 4).AsByte() & three;
                x = Vector256.Create(*(int*)(a0 + k0 + 8)).AsSByte();
                s0a += Avx2.MultiplyAddAdjacent(wa, x);
                s0b += Avx2.MultiplyAddAdjacent(wb, x);
                x = Vector256.Create(*(int*)(a1 + k0 + 8)).AsSByte();
                s1a += Avx2.MultiplyAddAdjacent(wa, x);
                s1b += Avx2.MultiplyAddAdjacent(wb, x);
                x = Vector256.Create(*(int*)(a2 + k0 + 8)).AsSByte();
                s2a += Avx2.MultiplyAddAdjacent(wa, x);
                s2b += Avx2.MultiplyAddAdjacent(wb, x);
                x = Vector256.Create(*(int*)(a3 + k0 + 8)).AsSByte();
                s3a += Avx2.MultiplyAddAdjacent(wa, x);
                s3b += Avx2.MultiplyAddAdjacent(wb, x);
                wa = Vector256.ShiftRightLogical(ra, 6).AsByte() & three;
                wb = Vector256.ShiftRightLogical(rb, 6).AsByte() & three;
                x = Vector256.Create(*(int*)(a0 + k0 + 12)).AsSByte();
                s0a += Avx2.MultiplyAddAdjacent(wa, x);
                s0b += Avx2.MultiplyAddAdjacent(wb, x);
                x = Vector256.Create(*(int*)(a1 + k0 + 12)).AsSByte();
                s1a += Avx2.MultiplyAddAdjacent(wa, x);
                s1b += Avx2.MultiplyAddAdjacent(wb, x);
                x = Vector256.Create(*(int*)(a2 + k0 + 12)).AsSByte();
                s2a += Avx2.MultiplyAddAdjacent(wa, x);
                s2b += Avx2.MultiplyAddAdjacent(wb, x);
                x = Vector256.Create(*(int*)(a3 + k0 + 12)).AsSByte();
                s3a += Avx2.MultiplyAddAdjacent(wa, x);
                s3b += Avx2.MultiplyAddAdjacent(wb, x);
            }
            // int16 lanes (2j, 2j+1) are output j's two k-pairs: vpmaddwd by 1 adds them into lane j.
            c0a += Avx2.MultiplyAddAdjacent(s0a, ones); c0b += Avx2.MultiplyAddAdjacent(s0b, ones);
            c1a += Avx2.MultiplyAddAdjacent(s1a, ones); c1b += Avx2.MultiplyAddAdjacent(s1b, ones);
            c2a += Avx2.MultiplyAddAdjacent(s2a, ones); c2b += Avx2.MultiplyAddAdjacent(s2b, ones);
            c3a += Avx2.MultiplyAddAdjacent(s3a, ones); c3b += Avx2.MultiplyAddAdjacent(s3b, ones);
        }
        c0a.Store(acc); c0b.Store(acc + 8);
        c1a.Store(acc + 16); c1b.Store(acc + 24);
        c2a.Store(acc + 32); c2b.Store(acc + 40);
        c3a.Store(acc + 48); c3b.Store(acc + 56);
    }
}
