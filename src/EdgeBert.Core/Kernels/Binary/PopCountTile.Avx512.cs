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
}
