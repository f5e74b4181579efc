using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using CommunityToolkit.HighPerformance;

namespace EdgeBert.Kernels.Packing;

/// <summary>
/// Packs the signs of FP32 or int8 values into the canonical binary layout
/// (<see cref="BinaryLayout"/>): bit 1 when the value is negative, 0 when it is zero or
/// positive (sign(0) = +1, as BiBERT's sign; -0.0 and NaN also pack as +1).
/// </summary>
public static class SignPacking
{
    /// <summary>
    /// Packs every row of <paramref name="values"/> ([rows, K]) into
    /// <paramref name="packed"/> (rows × <see cref="BinaryLayout.RowStrideWords"/> words,
    /// padding written as 0).
    /// </summary>
    public static void Pack(ReadOnlySpan2D<float> values, Span<ulong> packed) =>
        Pack(values, packed, PackingWidth.Widest);

    /// <summary>Packs the signs of int8 rows ([rows, K]); see <see cref="Pack(ReadOnlySpan2D{float}, Span{ulong})"/>.</summary>
    public static void Pack(ReadOnlySpan2D<sbyte> values, Span<ulong> packed) =>
        Pack(values, packed, PackingWidth.Widest);

    /// <summary>Packs one row of K values into <see cref="BinaryLayout.RowStrideWords"/> words.</summary>
    public static void PackRow(ReadOnlySpan<float> row, Span<ulong> packedRow) =>
        PackRow(row, packedRow, PackingWidth.Widest);

    /// <summary>Packs one int8 row of K values into <see cref="BinaryLayout.RowStrideWords"/> words.</summary>
    public static void PackRow(ReadOnlySpan<sbyte> row, Span<ulong> packedRow) =>
        PackRow(row, packedRow, PackingWidth.Widest);

    /// <summary>
    /// Expands packed rows back to ±1 floats ([rows, K] = <paramref name="values"/>'s shape):
    /// bit 1 → -1, bit 0 → +1.
    /// </summary>
    public static void Unpack(ReadOnlySpan<ulong> packed, Span2D<float> values)
    {
        int rows = values.Height, k = values.Width;
        BinaryLayout.ThrowIfTooShort(packed.Length, rows, k, nameof(packed));
        int stride = BinaryLayout.RowStrideWords(k);
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<ulong> src = packed.Slice(r * stride, stride);
            Span<float> dst = values.GetRowSpan(r);
            for (int i = 0; i < k; i++)
            {
                dst[i] = ((src[i >> 6] >> (i & 63)) & 1) != 0 ? -1f : 1f;
            }
        }
    }

    internal static void Pack(ReadOnlySpan2D<float> values, Span<ulong> packed, int width)
    {
        int rows = values.Height, k = values.Width;
        BinaryLayout.ThrowIfTooShort(packed.Length, rows, k, nameof(packed));
        int stride = BinaryLayout.RowStrideWords(k);
        for (int r = 0; r < rows; r++) PackRow(values.GetRowSpan(r), packed.Slice(r * stride, stride), width);
    }

    internal static void Pack(ReadOnlySpan2D<sbyte> values, Span<ulong> packed, int width)
    {
        int rows = values.Height, k = values.Width;
        BinaryLayout.ThrowIfTooShort(packed.Length, rows, k, nameof(packed));
        int stride = BinaryLayout.RowStrideWords(k);
        for (int r = 0; r < rows; r++) PackRow(values.GetRowSpan(r), packed.Slice(r * stride, stride), width);
    }

    internal static void PackRow(ReadOnlySpan<float> row, Span<ulong> packedRow, int width)
    {
        int k = row.Length;
        int stride = BinaryLayout.RowStrideWords(k);
        if (packedRow.Length < stride)
        {
            throw new ArgumentException($"A packed row of K = {k} needs {stride} words, got {packedRow.Length}.", nameof(packedRow));
        }
        width = PackingWidth.Resolve(width);
        int full = k / 64;
        ref float src = ref MemoryMarshal.GetReference(row);
        for (int w = 0; w < full; w++)
        {
            packedRow[w] = NegativeBits64(ref Unsafe.Add(ref src, w * 64), width);
        }
        // Tail: fewer than 64 values left; the rest of the word stays 0 (padding).
        ulong tail = 0;
        for (int i = full * 64; i < k; i++)
        {
            if (row[i] < 0f) tail |= 1UL << (i & 63);
        }
        int words = BinaryLayout.WordsPerRow(k);
        if (words > full) packedRow[full] = tail;
        packedRow.Slice(words, stride - words).Clear();
    }

    internal static void PackRow(ReadOnlySpan<sbyte> row, Span<ulong> packedRow, int width)
    {
        int k = row.Length;
        int stride = BinaryLayout.RowStrideWords(k);
        if (packedRow.Length < stride)
        {
            throw new ArgumentException($"A packed row of K = {k} needs {stride} words, got {packedRow.Length}.", nameof(packedRow));
        }
        width = PackingWidth.Resolve(width);
        int full = k / 64;
        ref sbyte src = ref MemoryMarshal.GetReference(row);
        for (int w = 0; w < full; w++)
        {
            packedRow[w] = NegativeBits64(ref Unsafe.Add(ref src, w * 64), width);
        }
        ulong tail = 0;
        for (int i = full * 64; i < k; i++)
        {
            if (row[i] < 0) tail |= 1UL << (i & 63);
        }
        int words = BinaryLayout.WordsPerRow(k);
        if (words > full) packedRow[full] = tail;
        packedRow.Slice(words, stride - words).Clear();
    }

    /// <summary>Sign bits of 64 consecutive floats: bit i = [x[i] &lt; 0].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong NegativeBits64(ref float x, int width)
    {
        // A compare (not the raw sign bit) so that -0.0 and NaN pack as +1 like the scalar path.
        switch (width)
        {
            case 512:
            {
                ulong bits = 0;
                for (int i = 0; i < 4; i++)
                {
                    var v = Vector512.LoadUnsafe(ref x, (nuint)(i * 16));
                    bits |= (ulong)Vector512.LessThan(v, Vector512<float>.Zero).ExtractMostSignificantBits() << (i * 16);
                }
                return bits;
            }
            case 256:
            {
                ulong bits = 0;
                for (int i = 0; i < 8; i++)
                {
                    var v = Vector256.LoadUnsafe(ref x, (nuint)(i * 8));
                    bits |= (ulong)Vector256.LessThan(v, Vector256<float>.Zero).ExtractMostSignificantBits() << (i * 8);
                }
                return bits;
            }
            case 128:
            {
                ulong bits = 0;
                for (int i = 0; i < 16; i++)
                {
                    var v = Vector128.LoadUnsafe(ref x, (nuint)(i * 4));
                    bits |= (ulong)Vector128.LessThan(v, Vector128<float>.Zero).ExtractMostSignificantBits() << (i * 4);
                }
                return bits;
            }
            default:
            {
                ulong bits = 0;
                for (int i = 0; i < 64; i++)
                {
                    if (Unsafe.Add(ref x, i) < 0f) bits |= 1UL << i;
                }
                return bits;
            }
        }
    }

    /// <summary>Sign bits of 64 consecutive int8 values: the most significant bit of each byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong NegativeBits64(ref sbyte x, int width)
    {
        switch (width)
        {
            case 512:
                return Vector512.LoadUnsafe(ref x).ExtractMostSignificantBits();
            case 256:
                return Vector256.LoadUnsafe(ref x).ExtractMostSignificantBits()
                    | ((ulong)Vector256.LoadUnsafe(ref x, 32).ExtractMostSignificantBits() << 32);
            case 128:
            {
                ulong bits = 0;
                for (int i = 0; i < 4; i++)
                {
                    bits |= (ulong)Vector128.LoadUnsafe(ref x, (nuint)(i * 16)).ExtractMostSignificantBits() << (i * 16);
                }
                return bits;
            }
            default:
            {
                ulong bits = 0;
                for (int i = 0; i < 64; i++)
                {
                    if (Unsafe.Add(ref x, i) < 0) bits |= 1UL << i;
                }
                return bits;
            }
        }
    }
}
