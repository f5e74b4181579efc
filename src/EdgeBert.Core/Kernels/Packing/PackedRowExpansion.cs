using System.Runtime.Intrinsics;

namespace EdgeBert.Kernels.Packing;

/// <summary>
/// Expands one packed binary or ternary row (the layout of <see cref="SignPacking"/> and
/// <see cref="TernaryPacking"/>: bit k of word k / 64, bit 1 = negative) into floats added to a
/// destination: <c>d[k] += sign_k ? −α : α</c>, for a ternary row only where its nonzero bit is
/// set (elsewhere d[k] is left as it is). Eight values per step where 256-bit vectors are
/// accelerated, each the same float add as the scalar loop.
/// </summary>
public static class PackedRowExpansion
{
    /// <param name="sign">The row's sign words (at least ⌈n / 64⌉).</param>
    /// <param name="nonzero">The row's nonzero words for a ternary row, or empty for a binary row.</param>
    /// <param name="alpha">The row's scale α.</param>
    /// <param name="destination">The n floats to add to.</param>
    /// <exception cref="ArgumentException">A word span is shorter than the row.</exception>
    public static void AddScaled(ReadOnlySpan<ulong> sign, ReadOnlySpan<ulong> nonzero, float alpha, Span<float> destination)
    {
        int n = destination.Length, words = (n + 63) / 64;
        if (sign.Length < words) throw new ArgumentException($"{sign.Length} sign words for {n} values (need {words}).", nameof(sign));
        bool ternary = !nonzero.IsEmpty;
        if (ternary && nonzero.Length < words) throw new ArgumentException($"{nonzero.Length} nonzero words for {n} values (need {words}).", nameof(nonzero));
        int k = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<int> bit = Vector256.Create(1, 2, 4, 8, 16, 32, 64, 128);
            Vector256<float> plus = Vector256.Create(alpha), minus = Vector256.Create(-alpha);
            for (; k <= n - 8; k += 8)
            {
                int shift = k & 63;
                Vector256<int> negative = Vector256.Equals(Vector256.Create((int)(sign[k >> 6] >> shift) & 0xFF) & bit, bit);
                Vector256<float> d = Vector256.Create(destination.Slice(k, 8));
                Vector256<float> sum = d + Vector256.ConditionalSelect(negative.AsSingle(), minus, plus);
                if (ternary)
                {
                    Vector256<int> kept = Vector256.Equals(Vector256.Create((int)(nonzero[k >> 6] >> shift) & 0xFF) & bit, bit);
                    sum = Vector256.ConditionalSelect(kept.AsSingle(), sum, d);
                }
                sum.CopyTo(destination.Slice(k, 8));
            }
        }
        for (; k < n; k++)
        {
            if (ternary && (nonzero[k >> 6] >> (k & 63) & 1) == 0) continue;
            destination[k] += (sign[k >> 6] >> (k & 63) & 1) != 0 ? -alpha : alpha;
        }
    }
}
