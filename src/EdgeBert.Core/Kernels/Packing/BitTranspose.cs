namespace EdgeBert.Kernels.Packing;

/// <summary>
/// Transposes a 64 × 64 bit matrix held as 64 words (bit j of word i is element (i, j)) in
/// place, in six rounds of block swaps (32 × 32 blocks, then 16 × 16 inside them, … down to
/// single bits; Hacker's Delight §7-3 on 64-bit words): 6 × 32 word pairs instead of one
/// operation per set bit.
/// </summary>
internal static unsafe class BitTranspose
{
    /// <summary>block[j] bit i ← block[i] bit j for i, j &lt; 64.</summary>
    public static void Transpose64(ulong* block)
    {
        ulong mask = 0x0000_0000_FFFF_FFFFUL;
        for (int width = 32; width != 0; width >>= 1, mask ^= mask << width)
        {
            // Pairs (k, k + width) with bit `width` of k clear: the high `width` bits of each
            // block of 2·width in word k trade places with the low ones of word k + width.
            for (int k = 0; k < 64; k = ((k | width) + 1) & ~width)
            {
                ulong swap = ((block[k] >> width) ^ block[k | width]) & mask;
                block[k] ^= swap << width;
                block[k | width] ^= swap;
            }
        }
    }
}
