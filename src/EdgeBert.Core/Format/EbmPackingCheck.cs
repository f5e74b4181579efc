namespace EdgeBert.Format;

/// <summary>
/// The invariants of the canonical packed layouts that kernels rely on without checking:
/// padding bits and bytes are zero (a stray padding bit would be counted by popcount), and a
/// ternary sign bit is set only where the nonzero mask is. Each returns null or the defect.
/// </summary>
internal static class EbmPackingCheck
{
    internal static string? Binary(ReadOnlySpan<ulong> words, int rows, int columns) =>
        PlanePadding(words, rows, columns, "binary");

    internal static string? Ternary(ReadOnlySpan<ulong> words, int rows, int columns)
    {
        int plane = rows * EbmLayout.PackedRowWords(columns);
        var sign = words[..plane];
        var mask = words[plane..];
        string? problem = PlanePadding(sign, rows, columns, "sign plane") ?? PlanePadding(mask, rows, columns, "nonzero plane");
        if (problem is not null) return problem;
        for (int i = 0; i < plane; i++)
        {
            if ((sign[i] & ~mask[i]) != 0)
            {
                int stride = EbmLayout.PackedRowWords(columns);
                return $"ternary sign bit set where the value is 0 (row {i / stride}, word {i % stride})";
            }
        }
        return null;
    }

    internal static string? I8(ReadOnlySpan<byte> bytes, int rows, int columns)
    {
        int stride = EbmLayout.I8RowStride(columns);
        for (int r = 0; r < rows; r++)
        {
            if (bytes.Slice(r * stride + columns, stride - columns).ContainsAnyExcept((byte)0))
            {
                return $"i8 row {r} has nonzero padding bytes after column {columns}";
            }
        }
        return null;
    }

    private static string? PlanePadding(ReadOnlySpan<ulong> words, int rows, int columns, string what)
    {
        int stride = EbmLayout.PackedRowWords(columns);
        int full = columns / EbmLayout.BitsPerWord;
        int tailBits = columns % EbmLayout.BitsPerWord;
        ulong tailMask = tailBits == 0 ? 0 : ~0UL << tailBits; // bits at or above K in the last used word
        for (int r = 0; r < rows; r++)
        {
            var row = words.Slice(r * stride, stride);
            int firstPad = full;
            if (tailBits != 0)
            {
                if ((row[full] & tailMask) != 0) return $"{what} row {r} has padding bits set after column {columns}";
                firstPad = full + 1;
            }
            if (row[firstPad..].ContainsAnyExcept(0UL)) return $"{what} row {r} has nonzero padding words";
        }
        return null;
    }
}
