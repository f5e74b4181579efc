using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeBert.Kernels.Binary;

/// <summary>
/// AVX-512 VBMI popcount micro-kernel for W1A1 (xor only) on <see cref="Packing.SextetLayout"/>
/// operands: 4 activation rows (broadcast) × 3 weight panels (24 outputs), 12 byte
/// accumulators, lane-per-output like <see cref="Avx512PopCountTile"/>. Every byte of a ⊕ w
/// holds 6 bits, so one <c>vpermb</c> (<see cref="Avx512Vbmi.PermuteVar64x8(Vector512{byte}, Vector512{byte})"/>)
/// into the 64-entry table of popcount(0..63) counts a byte. A sextet word costs 1 xor +
/// 1 vpermb + 1 byte add per 384 bit-MACs (4 ops per 512) against the nibble lookup's 6, on
/// every K (Harley–Seal gets near this only on long K). 7 bits per byte with the two-table
/// vpermt2b would need fewer ops, but that instruction is about 3× slower than vpermb here
/// (benchmarks/RESULTS.md). Byte counts grow by at most 6 per word and are flushed into
/// 64-bit lanes with SumAbsoluteDifferences every 42 words (42 · 6 = 252 &lt; 256).
/// </summary>
internal readonly unsafe struct Avx512SextetTile : IPopCountTile
{
    /// <summary>Byte accumulators hold at most 255: 42 sextet words of at most 6 per byte.</summary>
    private const int FlushWords = 42;

    /// <summary>popcount(0 .. 63), one byte each.</summary>
    private static readonly Vector512<byte> s_table = Table();

    public static int Rows => 4;

    public static int Panels => 3;

    public static bool IsSupported => Avx512F.IsSupported && Avx512BW.IsSupported && Avx512Vbmi.IsSupported;

    /// <summary>Counts over <paramref name="kWords"/> sextet words (not canonical K-words).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TOp>(in TileOperands t, int kWords, int* counts, int countStride)
        where TOp : struct, IBitwiseOp
    {
        if (typeof(TOp) != typeof(XorOp)) throw new NotSupportedException("The sextet tile computes popcount(a xor w) only.");
        Vector512<byte> table = s_table;
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
                Vector512<ulong> p0 = Vector512.Load(w0 + k * 8), p1 = Vector512.Load(w1 + k * 8), p2 = Vector512.Load(w2 + k * 8);
                Vector512<ulong> b0 = Vector512.Create(a0[k]);
                c00 += Count(b0 ^ p0, table); c01 += Count(b0 ^ p1, table); c02 += Count(b0 ^ p2, table);
                Vector512<ulong> b1 = Vector512.Create(a1[k]);
                c10 += Count(b1 ^ p0, table); c11 += Count(b1 ^ p1, table); c12 += Count(b1 ^ p2, table);
                Vector512<ulong> b2 = Vector512.Create(a2[k]);
                c20 += Count(b2 ^ p0, table); c21 += Count(b2 ^ p1, table); c22 += Count(b2 ^ p2, table);
                Vector512<ulong> b3 = Vector512.Create(a3[k]);
                c30 += Count(b3 ^ p0, table); c31 += Count(b3 ^ p1, table); c32 += Count(b3 ^ p2, table);
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

    /// <summary>Per-byte popcount of 6-bit bytes: table[x &amp; 63].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> Count(Vector512<ulong> x, Vector512<byte> table) =>
        Avx512Vbmi.PermuteVar64x8(table, x.AsByte());

    private static Vector512<byte> Table()
    {
        Span<byte> counts = stackalloc byte[64];
        for (int i = 0; i < 64; i++) counts[i] = (byte)System.Numerics.BitOperations.PopCount((uint)i);
        return Vector512.Create((ReadOnlySpan<byte>)counts);
    }
}
