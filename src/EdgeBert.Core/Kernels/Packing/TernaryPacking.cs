using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using CommunityToolkit.HighPerformance;

namespace EdgeBert.Kernels.Packing;

/// <summary>
/// Packs ternary values {-1, 0, +1} (as int8, or as floats whose sign and zero-ness are used,
/// e.g. alpha·{-1,0,1}) into the canonical <c>ternary</c> layout: two bit planes, each exactly
/// the binary layout of <see cref="BinaryLayout"/>, stored plane 0 then plane 1.
/// <code>
///  value   sign (plane 0)   nonzero (plane 1)
///   +1          0                 1
///    0          0                 0
///   -1          1                 1
///
///  [ plane 0: rows × stride words ][ plane 1: rows × stride words ]
/// </code>
/// A W2A1 product then is Σ nonzero − 2·popcount((a ⊕ sign) ∧ nonzero) per row.
/// </summary>
public static class TernaryPacking
{
    /// <summary>Words the two planes of a packed [rows, K] ternary matrix occupy.</summary>
    public static int MatrixWords(int rows, int k) => checked(2 * BinaryLayout.MatrixWords(rows, k));

    /// <summary>Packs float rows: sign = value &lt; 0, nonzero = value ≠ 0.</summary>
    public static void Pack(ReadOnlySpan2D<float> values, Span<ulong> packed) =>
        Pack(values, packed, PackingWidth.Widest);

    /// <summary>Packs int8 rows whose every value is -1, 0 or +1 (anything else throws).</summary>
    public static void Pack(ReadOnlySpan2D<sbyte> values, Span<ulong> packed) =>
        Pack(values, packed, PackingWidth.Widest);

    /// <summary>Expands packed planes to {-1, 0, +1} floats of <paramref name="values"/>'s shape.</summary>
    public static void Unpack(ReadOnlySpan<ulong> packed, Span2D<float> values)
    {
        int rows = values.Height, k = values.Width;
        BinaryLayout.ThrowIfTooShort(packed.Length, rows, k, nameof(packed), planes: 2);
        int stride = BinaryLayout.RowStrideWords(k);
        int planeWords = rows * stride;
        for (int r = 0; r < rows; r++)
        {
            Span<float> dst = values.GetRowSpan(r);
            for (int i = 0; i < k; i++)
            {
                int at = r * stride + (i >> 6);
                bool negative = ((packed[at] >> (i & 63)) & 1) != 0;
                bool nonzero = ((packed[planeWords + at] >> (i & 63)) & 1) != 0;
                dst[i] = nonzero ? (negative ? -1f : 1f) : 0f;
            }
        }
    }

    internal static void Pack(ReadOnlySpan2D<float> values, Span<ulong> packed, int width)
    {
        int rows = values.Height, k = values.Width;
        BinaryLayout.ThrowIfTooShort(packed.Length, rows, k, nameof(packed), planes: 2);
        width = PackingWidth.Resolve(width);
        int stride = BinaryLayout.RowStrideWords(k);
        int planeWords = rows * stride;
        int words = BinaryLayout.WordsPerRow(k), full = k / 64;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = values.GetRowSpan(r);
            Span<ulong> sign = packed.Slice(r * stride, stride);
            Span<ulong> nonzero = packed.Slice(planeWords + r * stride, stride);
            ref float src = ref MemoryMarshal.GetReference(row);
            for (int w = 0; w < full; w++)
            {
                ref float x = ref Unsafe.Add(ref src, w * 64);
                sign[w] = SignPacking.NegativeBits64(ref x, width);
                nonzero[w] = NonZeroBits64(ref x, width);
            }
            ulong tailSign = 0, tailNonzero = 0;
            for (int i = full * 64; i < k; i++)
            {
                if (row[i] < 0f) tailSign |= 1UL << (i & 63);
                if (row[i] != 0f) tailNonzero |= 1UL << (i & 63);
            }
            if (words > full)
            {
                sign[full] = tailSign;
                nonzero[full] = tailNonzero;
            }
            sign.Slice(words).Clear();
            nonzero.Slice(words).Clear();
        }
    }

    internal static void Pack(ReadOnlySpan2D<sbyte> values, Span<ulong> packed, int width)
    {
        int rows = values.Height, k = values.Width;
        BinaryLayout.ThrowIfTooShort(packed.Length, rows, k, nameof(packed), planes: 2);
        width = PackingWidth.Resolve(width);
        int stride = BinaryLayout.RowStrideWords(k);
        int planeWords = rows * stride;
        int words = BinaryLayout.WordsPerRow(k), full = k / 64;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<sbyte> row = values.GetRowSpan(r);
            int bad = row.IndexOfAnyExceptInRange((sbyte)-1, (sbyte)1);
            if (bad >= 0)
            {
                throw new ArgumentException(
                    $"Ternary value {row[bad]} at [{r}, {bad}] of [{rows}, {k}] is not -1, 0 or +1.", nameof(values));
            }
            Span<ulong> sign = packed.Slice(r * stride, stride);
            Span<ulong> nonzero = packed.Slice(planeWords + r * stride, stride);
            ref sbyte src = ref MemoryMarshal.GetReference(row);
            for (int w = 0; w < full; w++)
            {
                ref sbyte x = ref Unsafe.Add(ref src, w * 64);
                sign[w] = SignPacking.NegativeBits64(ref x, width);
                nonzero[w] = NonZeroBits64(ref x, width);
            }
            ulong tailSign = 0, tailNonzero = 0;
            for (int i = full * 64; i < k; i++)
            {
                if (row[i] < 0) tailSign |= 1UL << (i & 63);
                if (row[i] != 0) tailNonzero |= 1UL << (i & 63);
            }
            if (words > full)
            {
                sign[full] = tailSign;
                nonzero[full] = tailNonzero;
            }
            sign.Slice(words).Clear();
            nonzero.Slice(words).Clear();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong NonZeroBits64(ref float x, int width)
    {
        switch (width)
        {
            case 512:
            {
                ulong bits = 0;
                for (int i = 0; i < 4; i++)
                {
                    var v = Vector512.LoadUnsafe(ref x, (nuint)(i * 16));
                    bits |= (ulong)(~Vector512.Equals(v, Vector512<float>.Zero)).ExtractMostSignificantBits() << (i * 16);
                }
                return bits;
            }
            case 256:
            {
                ulong bits = 0;
                for (int i = 0; i < 8; i++)
                {
                    var v = Vector256.LoadUnsafe(ref x, (nuint)(i * 8));
                    bits |= (ulong)(~Vector256.Equals(v, Vector256<float>.Zero)).ExtractMostSignificantBits() << (i * 8);
                }
                return bits;
            }
            case 128:
            {
                ulong bits = 0;
                for (int i = 0; i < 16; i++)
                {
                    var v = Vector128.LoadUnsafe(ref x, (nuint)(i * 4));
                    bits |= (ulong)(~Vector128.Equals(v, Vector128<float>.Zero)).ExtractMostSignificantBits() << (i * 4);
                }
                return bits;
            }
            default:
            {
                ulong bits = 0;
                for (int i = 0; i < 64; i++)
                {
                    if (Unsafe.Add(ref x, i) != 0f) bits |= 1UL << i;
                }
                return bits;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong NonZeroBits64(ref sbyte x, int width)
    {
        // Values are -1, 0, 1: bit 0 is set exactly for the nonzero ones, so shifting it into
        // the sign position turns the nonzero test into a most-significant-bit extract.
        switch (width)
        {
            case 512:
                return (Vector512.LoadUnsafe(ref x) << 7).ExtractMostSignificantBits();
            case 256:
                return (Vector256.LoadUnsafe(ref x) << 7).ExtractMostSignificantBits()
                    | ((ulong)(Vector256.LoadUnsafe(ref x, 32) << 7).ExtractMostSignificantBits() << 32);
            case 128:
            {
                ulong bits = 0;
                for (int i = 0; i < 4; i++)
                {
                    bits |= (ulong)(Vector128.LoadUnsafe(ref x, (nuint)(i * 16)) << 7).ExtractMostSignificantBits() << (i * 16);
                }
                return bits;
            }
            default:
            {
                ulong bits = 0;
                for (int i = 0; i < 64; i++)
                {
                    if (Unsafe.Add(ref x, i) != 0) bits |= 1UL << i;
                }
                return bits;
            }
        }
    }
}
