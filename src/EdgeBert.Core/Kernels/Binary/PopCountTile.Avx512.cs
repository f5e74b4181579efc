using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeBert.Kernels.Binary;

/// <summary>
/// AVX-512BW popcount micro-kernel: 4 activation rows (broadcast) × 3 weight panels (24
/// outputs), 12 byte accumulators (KERNELS.md lessons 3 and 4). Popcount is the vpshufb nibble
/// lookup; byte counts grow by at most 8 per K-word, so they are flushed into 64-bit lanes with
/// SumAbsoluteDifferences every 31 K-words (31 · 8 = 248 &lt; 256). One 64-bit lane is one
/// output row, so the SAD leaves per-output counts with no horizontal add.
/// </summary>
internal readonly unsafe struct Avx512PopCountTile : IPopCountTile
{
    /// <summary>Byte accumulators hold at most 255: 31 K-words of at most 8 per byte.</summary>
    private const int FlushWords = 31;

    public static int Rows => 4;

    public static int Panels => 3;

    public static bool IsSupported => Avx512F.IsSupported && Avx512BW.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TOp>(in TileOperands t, int kWords, int* counts, int countStride)
        where TOp : struct, IBitwiseOp
    {
        int step = 8 * TOp.WeightPlanes;
        Vector128<byte> lut128 = Vector128.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
        Vector256<byte> lut256 = Vector256.Create(lut128, lut128);
        Vector512<byte> lut = Vector512.Create(lut256, lut256);
        Vector512<byte> nibble = Vector512.Create((byte)0x0F);
        ulong* a0 = t.A0, a1 = t.A1, a2 = t.A2, a3 = t.A3;
        ulong* w0 = t.W0, w1 = t.W1, w2 = t.W2;

        Vector512<ulong> s00 = default; Vector512<ulong> s01 = default; Vector512<ulong> s02 = default;
        Vector512<ulong> s10 = default; Vector512<ulong> s11 = default; Vector512<ulong> s12 = default;
        Vector512<ulong> s20 = default; Vector512<ulong> s21 = default; Vector512<ulong> s22 = default;
        Vector512<ulong> s30 = default; Vector512<ulong> s31 = default; Vector512<ulong> s32 = default;
        for (int k0 = 0; k0 < kWords; k0 += FlushWords)
        {
            int end = Math.Min(kWords, k0 + FlushWords);
            Vector512<byte> c00 = default; Vector512<byte> c01 = default; Vector512<byte> c02 = default;
            Vector512<byte> c10 = default; Vector512<byte> c11 = default; Vector512<byte> c12 = default;
            Vector512<byte> c20 = default; Vector512<byte> c21 = default; Vector512<byte> c22 = default;
            Vector512<byte> c30 = default; Vector512<byte> c31 = default; Vector512<byte> c32 = default;
            for (int k = k0; k < end; k++)
            {
                Vector512<ulong> ws0 = Vector512.Load(w0 + k * step);
                Vector512<ulong> wm0 = TOp.WeightPlanes == 2 ? Vector512.Load(w0 + k * step + 8) : default;
                Vector512<ulong> ws1 = Vector512.Load(w1 + k * step);
                Vector512<ulong> wm1 = TOp.WeightPlanes == 2 ? Vector512.Load(w1 + k * step + 8) : default;
                Vector512<ulong> ws2 = Vector512.Load(w2 + k * step);
                Vector512<ulong> wm2 = TOp.WeightPlanes == 2 ? Vector512.Load(w2 + k * step + 8) : default;
                Vector512<ulong> b0 = Vector512.Create(a0[k]);
                Vector512<ulong> b1 = Vector512.Create(a1[k]);
                Vector512<ulong> b2 = Vector512.Create(a2[k]);
                Vector512<ulong> b3 = Vector512.Create(a3[k]);
                // count += popcount(op(a, w)), per byte: lut[x & 15] + lut[x >> 4]
                c00 += PopCountBytes(TOp.Apply(b0, ws0, wm0), lut, nibble);
                c01 += PopCountBytes(TOp.Apply(b0, ws1, wm1), lut, nibble);
                c02 += PopCountBytes(TOp.Apply(b0, ws2, wm2), lut, nibble);
                c10 += PopCountBytes(TOp.Apply(b1, ws0, wm0), lut, nibble);
                c11 += PopCountBytes(TOp.Apply(b1, ws1, wm1), lut, nibble);
                c12 += PopCountBytes(TOp.Apply(b1, ws2, wm2), lut, nibble);
                c20 += PopCountBytes(TOp.Apply(b2, ws0, wm0), lut, nibble);
                c21 += PopCountBytes(TOp.Apply(b2, ws1, wm1), lut, nibble);
                c22 += PopCountBytes(TOp.Apply(b2, ws2, wm2), lut, nibble);
                c30 += PopCountBytes(TOp.Apply(b3, ws0, wm0), lut, nibble);
                c31 += PopCountBytes(TOp.Apply(b3, ws1, wm1), lut, nibble);
                c32 += PopCountBytes(TOp.Apply(b3, ws2, wm2), lut, nibble);
            }

            s00 += Avx512BW.SumAbsoluteDifferences(c00, Vector512<byte>.Zero).AsUInt64();
            s01 += Avx512BW.SumAbsoluteDifferences(c01, Vector512<byte>.Zero).AsUInt64();
            s02 += Avx512BW.SumAbsoluteDifferences(c02, Vector512<byte>.Zero).AsUInt64();
            s10 += Avx512BW.SumAbsoluteDifferences(c10, Vector512<byte>.Zero).AsUInt64();
            s11 += Avx512BW.SumAbsoluteDifferences(c11, Vector512<byte>.Zero).AsUInt64();
            s12 += Avx512BW.SumAbsoluteDifferences(c12, Vector512<byte>.Zero).AsUInt64();
            s20 += Avx512BW.SumAbsoluteDifferences(c20, Vector512<byte>.Zero).AsUInt64();
            s21 += Avx512BW.SumAbsoluteDifferences(c21, Vector512<byte>.Zero).AsUInt64();
            s22 += Avx512BW.SumAbsoluteDifferences(c22, Vector512<byte>.Zero).AsUInt64();
            s30 += Avx512BW.SumAbsoluteDifferences(c30, Vector512<byte>.Zero).AsUInt64();
            s31 += Avx512BW.SumAbsoluteDifferences(c31, Vector512<byte>.Zero).AsUInt64();
            s32 += Avx512BW.SumAbsoluteDifferences(c32, Vector512<byte>.Zero).AsUInt64();
        }

        Avx512F.ConvertToVector256Int32(s00.AsInt64()).Store(counts + 0 * countStride + 0);
        Avx512F.ConvertToVector256Int32(s01.AsInt64()).Store(counts + 0 * countStride + 8);
        Avx512F.ConvertToVector256Int32(s02.AsInt64()).Store(counts + 0 * countStride + 16);
        Avx512F.ConvertToVector256Int32(s10.AsInt64()).Store(counts + 1 * countStride + 0);
        Avx512F.ConvertToVector256Int32(s11.AsInt64()).Store(counts + 1 * countStride + 8);
        Avx512F.ConvertToVector256Int32(s12.AsInt64()).Store(counts + 1 * countStride + 16);
        Avx512F.ConvertToVector256Int32(s20.AsInt64()).Store(counts + 2 * countStride + 0);
        Avx512F.ConvertToVector256Int32(s21.AsInt64()).Store(counts + 2 * countStride + 8);
        Avx512F.ConvertToVector256Int32(s22.AsInt64()).Store(counts + 2 * countStride + 16);
        Avx512F.ConvertToVector256Int32(s30.AsInt64()).Store(counts + 3 * countStride + 0);
        Avx512F.ConvertToVector256Int32(s31.AsInt64()).Store(counts + 3 * countStride + 8);
        Avx512F.ConvertToVector256Int32(s32.AsInt64()).Store(counts + 3 * countStride + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> PopCountBytes(Vector512<ulong> x, Vector512<byte> lut, Vector512<byte> nibble)
    {
        Vector512<byte> low = x.AsByte() & nibble;
        Vector512<byte> high = Avx512BW.ShiftRightLogical(x.AsUInt16(), 4).AsByte() & nibble;
        return Avx512BW.Shuffle(lut, low) + Avx512BW.Shuffle(lut, high);
    }
}
