using System.Numerics;
using System.Runtime.InteropServices;

namespace EdgeBert.Kernels.Elementwise;

/// <summary>
/// Finds the first NaN or infinity in stored weights (the load-time check of every FP32 and FP16
/// tensor). A value is not finite exactly when all its exponent bits are set, so the scan is one
/// AND and one compare per vector of raw bits, four vectors per step: as fast as memory delivers.
/// </summary>
public static class FiniteScan
{
    private const uint FloatExponent = 0x7F80_0000;
    private const ushort HalfExponent = 0x7C00;

    /// <summary>Index of the first NaN or ±infinity in <paramref name="values"/>, or -1 when all are finite.</summary>
    public static int IndexOfNonFinite(ReadOnlySpan<float> values) =>
        IndexOfAllBitsSet(MemoryMarshal.Cast<float, uint>(values), FloatExponent);

    /// <summary>Index of the first NaN or ±infinity in <paramref name="values"/>, or -1 when all are finite.</summary>
    public static int IndexOfNonFinite(ReadOnlySpan<Half> values) =>
        IndexOfAllBitsSet(MemoryMarshal.Cast<Half, ushort>(values), HalfExponent);

    /// <summary>Index of the first element with every bit of <paramref name="mask"/> set, or -1.</summary>
    private static int IndexOfAllBitsSet<T>(ReadOnlySpan<T> bits, T mask)
        where T : unmanaged, IBinaryInteger<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var m = new Vector<T>(mask);
            var vectors = MemoryMarshal.Cast<T, Vector<T>>(bits);
            int v = 0;
            for (; v + 4 <= vectors.Length; v += 4)
            {
                var hit = Vector.Equals(vectors[v] & m, m) | Vector.Equals(vectors[v + 1] & m, m) |
                          Vector.Equals(vectors[v + 2] & m, m) | Vector.Equals(vectors[v + 3] & m, m);
                if (hit != Vector<T>.Zero) break;
            }
            for (; v < vectors.Length; v++)
            {
                if (Vector.EqualsAny(vectors[v] & m, m)) break;
            }
            // The first hit lies in the vector that stopped the loops (or in the tail past them).
            i = v * Vector<T>.Count;
        }
        for (; i < bits.Length; i++)
        {
            if ((bits[i] & mask) == mask) return i;
        }
        return -1;
    }
}
