namespace EdgeBert.Kernels.Packing;

/// <summary>
/// The canonical bit layout of <c>binary</c> and <c>ternary</c> tensors (model file, activation
/// packing output, fused sign epilogue output). One value per bit, packed along the reduction
/// dimension K into little-endian 64-bit words; bit 1 means negative (-1), bit 0 means +1.
/// <code>
///  row r (K values)          word 0                 word 1          ...  word W-1   pad words
///  k:                 63 ........... 1 0     127 .......... 65 64        (zero bits  (0 ... 0)
///  bit in word:       63 ........... 1 0      63 ..........  1  0         past K)
///  |&lt;------------------------- RowStrideWords(K) = ceil(K/64) words -------------------------&gt;|
/// </code>
/// Rows are not padded beyond the last word: padding to 512 bits would cost a third more bits
/// per weight at K = 768 and double them at K = 256 (model size is the product's point). The
/// SIMD kernels never read an activation row as a vector (they broadcast one word at a time) and
/// re-lay weights into panels at load time, so they need no row alignment. Padding bits are 0
/// in every operand, so they add no mismatches and the epilogue uses the true K.
/// </summary>
public static class BinaryLayout
{
    /// <summary>Bits per packed word.</summary>
    public const int WordBits = 64;

    /// <summary>Output rows per weight panel in the kernels' lane-per-output layout.</summary>
    public const int PanelRows = 8;

    /// <summary>Words that hold K bits: ceil(K / 64).</summary>
    public static int WordsPerRow(int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        return (int)(((long)k + WordBits - 1) / WordBits);
    }

    /// <summary>Words between the starts of two rows: <see cref="WordsPerRow"/> (no padding words).</summary>
    public static int RowStrideWords(int k) => WordsPerRow(k);

    /// <summary>Words a packed [rows, K] matrix occupies: rows × <see cref="RowStrideWords"/>.</summary>
    public static int MatrixWords(int rows, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        long words = (long)rows * RowStrideWords(k);
        if (words > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), $"A packed [{rows}, {k}] matrix needs {words} words, more than an array can hold.");
        }
        return (int)words;
    }

    /// <summary>Mask of the valid bits in the last word of a row of K bits (all ones when K is a multiple of 64).</summary>
    internal static ulong LastWordMask(int k)
    {
        int rem = k % WordBits;
        return rem == 0 ? ulong.MaxValue : (1UL << rem) - 1;
    }

    /// <summary>
    /// Throws when a packed row has a 1 bit past K (in the last word's tail or a padding word).
    /// Such a bit would count as a mismatch in the xor kernels and silently corrupt results.
    /// </summary>
    internal static void ThrowIfPaddingSet(ReadOnlySpan<ulong> packed, int rows, int k, string paramName)
    {
        int stride = RowStrideWords(k);
        int words = WordsPerRow(k);
        ulong tailMask = ~LastWordMask(k);
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<ulong> row = packed.Slice(r * stride, stride);
            bool bad = words > 0 && (row[words - 1] & tailMask) != 0;
            if (!bad && row.Slice(words).IndexOfAnyExcept(0UL) >= 0) bad = true;
            if (bad)
            {
                throw new ArgumentException(
                    $"Packed row {r} of [{rows}, {k}] has 1 bits past K = {k}; padding bits and words must be 0 in the canonical binary layout.",
                    paramName);
            }
        }
    }

    /// <summary>Throws unless a buffer of <paramref name="length"/> words holds a packed [rows, K] matrix (times planes).</summary>
    internal static void ThrowIfTooShort(int length, int rows, int k, string paramName, int planes = 1)
    {
        long needed = (long)rows * RowStrideWords(k) * planes;
        if (length < needed)
        {
            throw new ArgumentException(
                $"Packed buffer has {length} words but [{rows}, {k}]{(planes > 1 ? $" x {planes} planes" : "")} needs {needed} (row stride {RowStrideWords(k)} words).",
                paramName);
        }
    }
}
