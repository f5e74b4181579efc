using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeBert.Kernels.Binary;

/// <summary>
/// Pointers of one <see cref="Avx512XorTableTile"/> call: the table offsets of 8 tokens' sextets
/// (<see cref="Packing.SextetLayout.ToTableOffsets"/>; a block smaller than 8 repeats its last
/// token, whose extra counts land in the caller's slack) and one panel of 64 outputs' sextets.
/// </summary>
internal unsafe struct XorTableOperands
{
    public ushort* A0, A1, A2, A3, A4, A5, A6, A7;
    public byte* W;
}

/// <summary>
/// AVX-512 VBMI W1A1 micro-kernel on transposed sextets (6 bits of K per byte, KERNELS.md): one
/// byte lane per output, 64 outputs per vector, so the weights are the <c>vpermb</c> indices and
/// each token's sextet picks a 64-byte row of the table popcount(a ⊕ w), a, w &lt; 64. One
/// <c>vpermb</c> with that row as its memory operand (the row's offset is a plain load of the
/// staged activation) counts 64 outputs × 6 bits: 1 vpermb + 1 byte add per 384 bit-MACs, no
/// xor and no per-output horizontal sum (a 4 × 3 tile with the activation word broadcast and
/// the table in a register needed xor + vpermb + add and a SAD reduction per output; it was
/// 1.1–1.6× slower, benchmarks/RESULTS.md). Byte counts grow by at most 6 per sextet
/// and are widened into 16-bit sums every 42 sextets (42 · 6 = 252 &lt; 256); 16-bit sums hold
/// K ≤ <see cref="MaxK"/>.
/// </summary>
internal static unsafe class Avx512XorTableTile
{
    /// <summary>Tokens per call.</summary>
    public const int Tokens = 8;

    /// <summary>Outputs per call: one byte lane each.</summary>
    public const int Outputs = 64;

    /// <summary>Deepest product: counts up to K fit the 16-bit sums.</summary>
    public const int MaxK = ushort.MaxValue;

    private const int FlushSextets = 42;

    public static bool IsSupported => Avx512F.IsSupported && Avx512BW.IsSupported && Avx512Vbmi.IsSupported;

    /// <summary>
    /// counts[t · countStride + j] = Σ_s popcount(a_t[s] ⊕ w[s, j]) for t &lt; 8, j &lt; 64, over
    /// <paramref name="sextets"/> sextets (K ≤ <see cref="MaxK"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(in XorTableOperands t, int sextets, int* counts, int countStride)
    {
        byte* table = SextetTables.Xor, w = t.W;
        ushort* a0 = t.A0, a1 = t.A1, a2 = t.A2, a3 = t.A3, a4 = t.A4, a5 = t.A5, a6 = t.A6, a7 = t.A7;
        Vector512<ushort> l0 = default, l1 = default, l2 = default, l3 = default, l4 = default, l5 = default, l6 = default, l7 = default;
        Vector512<ushort> h0 = default, h1 = default, h2 = default, h3 = default, h4 = default, h5 = default, h6 = default, h7 = default;
        for (int s0 = 0; s0 < sextets; s0 += FlushSextets)
        {
            int end = Math.Min(sextets, s0 + FlushSextets);
            Vector512<byte> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
            byte* panel = w + (nint)s0 * Outputs;
            for (int s = s0; s < end; s++, panel += Outputs)
            {
                Vector512<byte> index = Vector512.Load(panel);
                c0 += Avx512Vbmi.PermuteVar64x8(Vector512.Load(table + a0[s]), index);
                c1 += Avx512Vbmi.PermuteVar64x8(Vector512.Load(table + a1[s]), index);
                c2 += Avx512Vbmi.PermuteVar64x8(Vector512.Load(table + a2[s]), index);
                c3 += Avx512Vbmi.PermuteVar64x8(Vector512.Load(table + a3[s]), index);
                c4 += Avx512Vbmi.PermuteVar64x8(Vector512.Load(table + a4[s]), index);
                c5 += Avx512Vbmi.PermuteVar64x8(Vector512.Load(table + a5[s]), index);
                c6 += Avx512Vbmi.PermuteVar64x8(Vector512.Load(table + a6[s]), index);
                c7 += Avx512Vbmi.PermuteVar64x8(Vector512.Load(table + a7[s]), index);
            }
            Widen(ref l0, ref h0, c0); Widen(ref l1, ref h1, c1); Widen(ref l2, ref h2, c2);
            Widen(ref l3, ref h3, c3); Widen(ref l4, ref h4, c4); Widen(ref l5, ref h5, c5);
            Widen(ref l6, ref h6, c6); Widen(ref l7, ref h7, c7);
        }
        Store(counts, l0, h0); Store(counts + countStride, l1, h1); Store(counts + 2 * countStride, l2, h2);
        Store(counts + 3 * countStride, l3, h3); Store(counts + 4 * countStride, l4, h4); Store(counts + 5 * countStride, l5, h5);
        Store(counts + 6 * countStride, l6, h6); Store(counts + 7 * countStride, l7, h7);
    }

    /// <summary>low += bytes 0–31 of c, high += bytes 32–63, as 16-bit sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Widen(ref Vector512<ushort> low, ref Vector512<ushort> high, Vector512<byte> c)
    {
        low += Vector512.WidenLower(c);
        high += Vector512.WidenUpper(c);
    }

    /// <summary>row[0 .. 63] = the 64 sums as int32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(int* row, Vector512<ushort> low, Vector512<ushort> high)
    {
        Vector512.WidenLower(low).AsInt32().Store(row);
        Vector512.WidenUpper(low).AsInt32().Store(row + 16);
        Vector512.WidenLower(high).AsInt32().Store(row + 32);
        Vector512.WidenUpper(high).AsInt32().Store(row + 48);
    }
}
