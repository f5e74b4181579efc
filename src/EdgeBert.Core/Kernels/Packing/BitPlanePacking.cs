using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using CommunityToolkit.HighPerformance;
using System.Numerics.Tensors;

namespace EdgeBert.Kernels.Packing;

/// <summary>
/// Splits unsigned 1- to 8-bit (typically 4- or 8-bit) activation codes into bit planes for the bit-serial kernels
/// (W1A4, W1A8). Plane b of a token holds bit b of every code, in the canonical binary layout;
/// the planes of one token are consecutive rows:
/// <code>
///  token 0: [ plane 0 (stride words) ][ plane 1 ] ... [ plane bits-1 ]
///  token 1: [ plane 0 ] ...
///  code q_k = Σ_b 2^b · bit(plane b, k)       (stride = BinaryLayout.RowStrideWords(K))
/// </code>
/// A code represents the real value scale·(q − zeroPoint), so signed activations work:
/// see <see cref="Quantize"/>.
/// </summary>
public static class BitPlanePacking
{
    /// <summary>The widest activation code the bit-serial kernels take.</summary>
    public const int MaxBits = 8;

    /// <summary>Words the planes of [tokens, K] codes at <paramref name="bits"/> bits occupy.</summary>
    public static int MatrixWords(int tokens, int k, int bits)
    {
        ThrowIfBadBits(bits);
        return checked(bits * BinaryLayout.MatrixWords(tokens, k));
    }

    /// <summary>
    /// Packs codes [tokens, K] (each below 2^<paramref name="bits"/>, else it throws) into
    /// <paramref name="planes"/> (tokens × bits × stride words).
    /// </summary>
    public static void Pack(ReadOnlySpan2D<byte> codes, int bits, Span<ulong> planes) =>
        Pack(codes, bits, planes, PackingWidth.Widest);

    /// <summary>
    /// Asymmetric min-max quantization of one row to unsigned <paramref name="bits"/>-bit codes:
    /// the range [min(x, 0), max(x, 0)] maps onto [0, 2^bits − 1], so x ≈ scale·(q − zeroPoint)
    /// and 0 is exact. A row of zeros gets scale 1, zero point 0.
    /// </summary>
    public static void Quantize(ReadOnlySpan<float> row, int bits, Span<byte> codes, out float scale, out int zeroPoint)
    {
        ThrowIfBadBits(bits);
        if (codes.Length < row.Length)
        {
            throw new ArgumentException($"Codes span has {codes.Length} bytes for a row of {row.Length} values.", nameof(codes));
        }
        int qmax = (1 << bits) - 1;
        float min = row.IsEmpty ? 0f : Math.Min(TensorPrimitives.Min(row), 0f);
        float max = row.IsEmpty ? 0f : Math.Max(TensorPrimitives.Max(row), 0f);
        if (!float.IsFinite(min) || !float.IsFinite(max))
        {
            throw new ArgumentException("Cannot quantize a row with NaN or infinite values.", nameof(row));
        }
        if (max == min)
        {
            scale = 1f;
            zeroPoint = 0;
            codes.Slice(0, row.Length).Clear();
            return;
        }
        scale = (max - min) / qmax;
        zeroPoint = Math.Clamp((int)MathF.Round(-min / scale), 0, qmax);
        float inverse = 1f / scale;
        for (int i = 0; i < row.Length; i++)
        {
            codes[i] = (byte)Math.Clamp((int)MathF.Round(row[i] * inverse) + zeroPoint, 0, qmax);
        }
    }

    internal static void Pack(ReadOnlySpan2D<byte> codes, int bits, Span<ulong> planes, int width)
    {
        ThrowIfBadBits(bits);
        int tokens = codes.Height, k = codes.Width;
        BinaryLayout.ThrowIfTooShort(planes.Length, tokens, k, nameof(planes), bits);
        width = PackingWidth.Resolve(width);
        int stride = BinaryLayout.RowStrideWords(k);
        int words = BinaryLayout.WordsPerRow(k), full = k / 64;
        byte qmax = (byte)((1 << bits) - 1);
        for (int t = 0; t < tokens; t++)
        {
            ReadOnlySpan<byte> row = codes.GetRowSpan(t);
            int bad = row.IndexOfAnyExceptInRange((byte)0, qmax);
            if (bad >= 0)
            {
                throw new ArgumentException(
                    $"Code {row[bad]} at [{t}, {bad}] of [{tokens}, {k}] does not fit in {bits} bits.", nameof(codes));
            }
            Span<ulong> tokenPlanes = planes.Slice(t * bits * stride, bits * stride);
            ref byte src = ref MemoryMarshal.GetReference(row);
            for (int w = 0; w < full; w++)
            {
                ref byte x = ref Unsafe.Add(ref src, w * 64);
                for (int b = 0; b < bits; b++) tokenPlanes[b * stride + w] = PlaneBits64(ref x, b, width);
            }
            for (int b = 0; b < bits; b++)
            {
                Span<ulong> plane = tokenPlanes.Slice(b * stride, stride);
                ulong tail = 0;
                for (int i = full * 64; i < k; i++) tail |= (ulong)((row[i] >> b) & 1) << (i & 63);
                if (words > full) plane[full] = tail;
                plane.Slice(words).Clear();
            }
        }
    }

    /// <summary>Bit <paramref name="b"/> of 64 consecutive codes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong PlaneBits64(ref byte x, int b, int width)
    {
        // Shifting bit b up to bit 7 of every byte turns the plane into a most-significant-bit extract.
        int up = 7 - b;
        switch (width)
        {
            case 512:
                return (Vector512.LoadUnsafe(ref x) << up).ExtractMostSignificantBits();
            case 256:
                return (Vector256.LoadUnsafe(ref x) << up).ExtractMostSignificantBits()
                    | ((ulong)(Vector256.LoadUnsafe(ref x, 32) << up).ExtractMostSignificantBits() << 32);
            case 128:
            {
                ulong bits = 0;
                for (int i = 0; i < 4; i++)
                {
                    bits |= (ulong)(Vector128.LoadUnsafe(ref x, (nuint)(i * 16)) << up).ExtractMostSignificantBits() << (i * 16);
                }
                return bits;
            }
            default:
            {
                ulong bits = 0;
                for (int i = 0; i < 64; i++) bits |= (ulong)((Unsafe.Add(ref x, i) >> b) & 1) << i;
                return bits;
            }
        }
    }

    internal static void ThrowIfBadBits(int bits)
    {
        if (bits is < 1 or > MaxBits)
        {
            throw new ArgumentOutOfRangeException(nameof(bits), bits, $"Bit-serial activations have 1 to {MaxBits} bits (4 and 8 are the W1A4 and W1A8 schemes).");
        }
    }
}
