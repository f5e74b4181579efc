using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeBert.Kernels.Packing;

/// <summary>
/// The sextet layout of binary rows, used inside the AVX-512 VBMI W1A1 kernel only: 6 bits of K
/// per byte, bits 6–7 of every byte 0, so one 64-bit word holds 48 values and every byte of
/// a ⊕ w is a 6-bit index into a 64-entry popcount table (one <c>vpermb</c>, which ignores
/// bits 6–7 of its indices).
/// <code>
///  canonical bits k:   0 .. 5 | 6 .. 11 | ... | 42 .. 47 | 48 .. 53 | ...
///  sextet word 0:      byte 0    byte 1          byte 7     (word 1, byte 0)
///  byte bit:           0 .. 5  (bits 6, 7 = 0)
/// </code>
/// Padding bits (past K, and bits 6–7 of each byte) are 0 in both operands, so they add no
/// mismatches: popcount(a ⊕ w) is the same integer as in the canonical layout. BERT's K = 768
/// and 3072 are whole words (16 and 64).
/// </summary>
internal static unsafe class SextetLayout
{
    /// <summary>Values per sextet word.</summary>
    public const int WordBits = 48;

    /// <summary>The payload bits of a sextet word: bits 0–5 of every byte.</summary>
    private const ulong PayloadMask = 0x3F3F_3F3F_3F3F_3F3FUL;

    /// <summary>Sextet words that hold K bits: ceil(K / 48).</summary>
    public static int WordsPerRow(int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        return (int)(((long)k + WordBits - 1) / WordBits);
    }

    /// <summary>
    /// Re-lays one canonical row of K bits (<see cref="BinaryLayout.WordsPerRow"/> words, padding
    /// bits 0) into <see cref="WordsPerRow"/> sextet words at <paramref name="dst"/>.
    /// </summary>
    public static void FromCanonical(ulong* src, int k, ulong* dst)
    {
        int words = BinaryLayout.WordsPerRow(k), sextets = WordsPerRow(k);
        for (int j = 0; j < sextets; j++)
        {
            int bit = j * WordBits, i = bit >> 6, shift = bit & 63;
            ulong chunk = src[i] >> shift;
            // 64 − shift bits came from word i; when fewer than 48, the rest start word i + 1.
            if (shift > 64 - WordBits && i + 1 < words) chunk |= src[i + 1] << (64 - shift);
            dst[j] = Spread(chunk);
        }
    }

    /// <summary>Sextets (bytes) per row: <see cref="WordsPerRow"/> · 8, the last ones padding.</summary>
    public static int SextetsPerRow(int k) => WordsPerRow(k) * 8;

    /// <summary>
    /// The <see cref="Binary.Avx512XorTableTile"/> form of one canonical row: offset[s] = 64 · sextet s
    /// (the start of its row of the popcount(a ⊕ w) table) for <see cref="SextetsPerRow"/> sextets;
    /// <paramref name="scratch"/> holds <see cref="WordsPerRow"/> words.
    /// </summary>
    public static void ToTableOffsets(ulong* src, int k, ulong* scratch, ushort* dst)
    {
        FromCanonical(src, k, scratch);
        byte* sextets = (byte*)scratch;
        int count = SextetsPerRow(k), s = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; s + 32 <= count; s += 32)
            {
                var (low, high) = Vector256.Widen(Vector256.Load(sextets + s));
                (low << 6).Store(dst + s);
                (high << 6).Store(dst + s + 16);
            }
        }
        for (; s < count; s++) dst[s] = (ushort)(sextets[s] << 6);
    }

    /// <summary>The low 48 bits of <paramref name="bits"/>, 6 per byte (pdep where BMI2 has it).</summary>
    internal static ulong Spread(ulong bits) =>
        Bmi2.X64.IsSupported ? Bmi2.X64.ParallelBitDeposit(bits, PayloadMask) : SpreadPortable(bits);

    /// <summary><see cref="Spread"/> without BMI2: 6 bits at a time.</summary>
    internal static ulong SpreadPortable(ulong bits)
    {
        ulong spread = 0;
        for (int b = 0; b < 8; b++) spread |= ((bits >> (6 * b)) & 0x3F) << (8 * b);
        return spread;
    }
}
