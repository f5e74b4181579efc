using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeBert.Kernels.Binary;

/// <summary>
/// AVX-512BW popcount micro-kernel: 4 activation rows (broadcast) × 3 weight panels (24
/// outputs), 12 byte accumulators (KERNELS.md lessons 3 and 4). Popcount is the vpshufb nibble
/// lookup. The bitwise op and the nibble mask fuse into one vpternlogq per nibble: the low
/// nibble index is ternlog(a, w, 0x0F) and the high one ternlog(a ≫ 4, w ≫ 4, 0x0F), with a ≫ 4
/// shifted once per row and w ≫ 4 once per panel, so a pair-vector costs 2 ternlog + 2 vpshufb
/// + 2 byte adds. Byte counts grow by at most 8 per K-word, so they are flushed into 64-bit
/// lanes with SumAbsoluteDifferences every 31 K-words (31 · 8 = 248 &lt; 256). One 64-bit lane
/// is one output row, so the SAD leaves per-output counts with no horizontal add.
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
        Vector512<ulong> nibble = Vector512.Create((byte)0x0F).AsUInt64();
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
                TOp.SplitNibbles512(Vector512.Load(w0 + k * step), TOp.WeightPlanes == 2 ? Vector512.Load(w0 + k * step + 8) : default, nibble,
                    out Vector512<ulong> wl0, out Vector512<ulong> ml0, out Vector512<ulong> wh0, out Vector512<ulong> mh0);
                TOp.SplitNibbles512(Vector512.Load(w1 + k * step), TOp.WeightPlanes == 2 ? Vector512.Load(w1 + k * step + 8) : default, nibble,
                    out Vector512<ulong> wl1, out Vector512<ulong> ml1, out Vector512<ulong> wh1, out Vector512<ulong> mh1);
                TOp.SplitNibbles512(Vector512.Load(w2 + k * step), TOp.WeightPlanes == 2 ? Vector512.Load(w2 + k * step + 8) : default, nibble,
                    out Vector512<ulong> wl2, out Vector512<ulong> ml2, out Vector512<ulong> wh2, out Vector512<ulong> mh2);

                // count += popcount(op(a, w)), per byte: lut[op(a, w) & 15] + lut[op(a >> 4, w >> 4) & 15]
                ulong x0 = a0[k];
                Vector512<ulong> b0 = Vector512.Create(x0), h0 = Vector512.Create(x0 >> 4);
                c00 += Avx512BW.Shuffle(lut, TOp.NibbleIndex512(b0, wl0, ml0)) + Avx512BW.Shuffle(lut, TOp.NibbleIndex512(h0, wh0, mh0));
                c01 += Avx512BW.Shuffle(lut, TOp.NibbleIndex512(b0, wl1, ml1)) + Avx512BW.Shuffle(lut, TOp.NibbleIndex512(h0, wh1, mh1));
                c02 += Avx512BW.Shuffle(lut, TOp.NibbleIndex512(b0, wl2, ml2)) + Avx512BW.Shuffle(lut, TOp.NibbleIndex512(h0, wh2, mh2));
                ulong x1 = a1[k];
                Vector512<ulong> b1 = Vector512.Create(x1), h1 = Vector512.Create(x1 >> 4);
                c10 += Avx512BW.Shuffle(lut, TOp.NibbleIndex512(b1, wl0, ml0)) + Avx512BW.Shuffle(lut, TOp.NibbleIndex512(h1, wh0, mh0));
                c11 += Avx512BW.Shuffle(lut, TOp.NibbleIndex512(b1, wl1, ml1)) + Avx512BW.Shuffle(lut, TOp.NibbleIndex512(h1, wh1, mh1));
                c12 += Avx512BW.Shuffle(lut, TOp.NibbleIndex512(b1, wl2, ml2)) + Avx512BW.Shuffle(lut, TOp.NibbleIndex512(h1, wh2, mh2));
                ulong x2 = a2[k];
                Vector512<ulong> b2 = Vector512.Create(x2), h2 = Vector512.Create(x2 >> 4);
                c20 += Avx512BW.Shuffle(lut, TOp.NibbleIndex512(b2, wl0, ml0)) + Avx512BW.Shuffle(lut, TOp.NibbleIndex512(h2, wh0, mh0));
                c21 += Avx512BW.Shuffle(lut, TOp.NibbleIndex512(b2, wl1, ml1)) + Avx512BW.Shuffle(lut, TOp.NibbleIndex512(h2, wh1, mh1));
                c22 += Avx512BW.Shuffle(lut, TOp.NibbleIndex512(b2, wl2, ml2)) + Avx512BW.Shuffle(lut, TOp.NibbleIndex512(h2, wh2, mh2));
                ulong x3 = a3[k];
                Vector512<ulong> b3 = Vector512.Create(x3), h3 = Vector512.Create(x3 >> 4);
                c30 += Avx512BW.Shuffle(lut, TOp.NibbleIndex512(b3, wl0, ml0)) + Avx512BW.Shuffle(lut, TOp.NibbleIndex512(h3, wh0, mh0));
                c31 += Avx512BW.Shuffle(lut, TOp.NibbleIndex512(b3, wl1, ml1)) + Avx512BW.Shuffle(lut, TOp.NibbleIndex512(h3, wh1, mh1));
                c32 += Avx512BW.Shuffle(lut, TOp.NibbleIndex512(b3, wl2, ml2)) + Avx512BW.Shuffle(lut, TOp.NibbleIndex512(h3, wh2, mh2));
            }

            Avx512TileRows.Flush(ref s00, ref s01, ref s02, c00, c01, c02);
            Avx512TileRows.Flush(ref s10, ref s11, ref s12, c10, c11, c12);
            Avx512TileRows.Flush(ref s20, ref s21, ref s22, c20, c21, c22);
            Avx512TileRows.Flush(ref s30, ref s31, ref s32, c30, c31, c32);
        }

        Avx512TileRows.Store(counts, countStride, 0, s00, s01, s02);
        Avx512TileRows.Store(counts, countStride, 1, s10, s11, s12);
        Avx512TileRows.Store(counts, countStride, 2, s20, s21, s22);
        Avx512TileRows.Store(counts, countStride, 3, s30, s31, s32);
    }
}

/// <summary>
/// The row helpers of the 4 × 3 AVX-512 byte-count tile (<see cref="Avx512PopCountTile"/>): flushing a row's byte counts into per-output 64-bit sums
/// (SumAbsoluteDifferences: one 64-bit lane per output) and storing a row's sums as int32.
/// </summary>
internal static unsafe class Avx512TileRows
{
    /// <summary>s_p += the byte counts c_p of one row's three panels, summed per 64-bit lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Flush(ref Vector512<ulong> s0, ref Vector512<ulong> s1, ref Vector512<ulong> s2,
        Vector512<byte> c0, Vector512<byte> c1, Vector512<byte> c2)
    {
        s0 += Avx512BW.SumAbsoluteDifferences(c0, Vector512<byte>.Zero).AsUInt64();
        s1 += Avx512BW.SumAbsoluteDifferences(c1, Vector512<byte>.Zero).AsUInt64();
        s2 += Avx512BW.SumAbsoluteDifferences(c2, Vector512<byte>.Zero).AsUInt64();
    }

    /// <summary>counts[row · countStride + p · 8 + lane] = s_p[lane] for the three panels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(int* counts, int countStride, int row, Vector512<ulong> s0, Vector512<ulong> s1, Vector512<ulong> s2)
    {
        int* r = counts + row * countStride;
        Avx512F.ConvertToVector256Int32(s0.AsInt64()).Store(r);
        Avx512F.ConvertToVector256Int32(s1.AsInt64()).Store(r + 8);
        Avx512F.ConvertToVector256Int32(s2.AsInt64()).Store(r + 16);
    }
}
