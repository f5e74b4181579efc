using System.Numerics;
using System.Runtime.InteropServices;

namespace EdgeBert.Kernels.Binary;

/// <summary>
/// The 64 × 64 popcount table of the sextet kernel (6 bits per byte, KERNELS.md): row a, lane b
/// holds popcount(a ⊕ b) for a, b &lt; 64. A vpermb with row a as its table and 64 sextets b as its
/// indices counts 64 products of 6 bits at once (<see cref="Avx512XorTableTile"/>). 64-byte
/// aligned, so a row is one cache line; never freed. (Bi-Attention on these tables, with an And
/// table for its context product, was measured no faster than the vpshufb kernel of
/// <see cref="BoolAttention"/>: its per-query glue costs as much as the counting; not kept.)
/// </summary>
internal static unsafe class SextetTables
{
    /// <summary>Bytes per row: one per sextet value.</summary>
    public const int RowBytes = 64;

    /// <summary>Xor[a · 64 + b] = popcount(a ⊕ b): mismatches.</summary>
    public static readonly byte* Xor = BuildXor();

    private static byte* BuildXor()
    {
        var table = (byte*)NativeMemory.AlignedAlloc(RowBytes * RowBytes, RowBytes);
        for (int a = 0; a < RowBytes; a++)
        {
            for (int b = 0; b < RowBytes; b++) table[a * RowBytes + b] = (byte)BitOperations.PopCount((uint)(a ^ b));
        }
        return table;
    }
}
