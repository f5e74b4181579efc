using System.Numerics;
using EdgeBert.Kernels.Binary;

namespace EdgeBert.Encoder;

/// <summary>
/// BiBERT's Bi-Attention, all bitwise (METHODS.md §3.2). Inputs are the packed signs of Q, K
/// and V [tokens, hidden] (bit 1 = negative). Per head with d dimensions:
/// A_ij = d − 2·popcount(q_i ⊕ k_j) (= B_Q·B_Kᵀ; the 1/√d scale does not change its sign),
/// bool_ij = A_ij &gt; 0 (0 at exactly 0, as BiBERT's code), and
/// context[i, d] = Σ_j bool_ij·sign(V)_jd = popcount(bool_i) − 2·popcount(bool_i ∧ vneg_d),
/// an integer count, not normalised. No padding exists (each sequence runs at its own length).
/// </summary>
internal static class BiAttention
{
    /// <summary>Words of scratch <see cref="Compute"/> needs.</summary>
    public static int ScratchWords(int maxTokens, int hidden, int heads) =>
        Math.Max(BoolAttention.ScratchWords(maxTokens, hidden, heads), ReferenceScratchWords(maxTokens, hidden, heads));

    /// <summary>Words of scratch <see cref="Reference"/> needs.</summary>
    public static int ReferenceScratchWords(int maxTokens, int hidden, int heads)
    {
        int d = hidden / heads;
        int dWords = Words(d), tWords = Words(maxTokens);
        return 2 * maxTokens * dWords + d * tWords + tWords;
    }

    /// <summary>The bitwise kernel (<see cref="BoolAttention"/>), heads over <paramref name="threads"/>.</summary>
    public static void Compute(ReadOnlySpan<ulong> q, ReadOnlySpan<ulong> k, ReadOnlySpan<ulong> v, int tokens, int hidden, int heads,
        Span<ulong> scratch, Span<float> context, int threads = 1) =>
        BoolAttention.Compute(q, k, v, tokens, hidden, heads, scratch, context, threads);

    /// <summary>The scalar reference of <see cref="Compute"/>, one head and one pair at a time.</summary>
    /// <param name="q">Signs of Q, tokens × words(hidden).</param>
    /// <param name="k">Signs of K, same layout.</param>
    /// <param name="v">Signs of V, same layout.</param>
    /// <param name="tokens">Sequence length.</param>
    /// <param name="hidden">Hidden size.</param>
    /// <param name="heads">Heads.</param>
    /// <param name="scratch">At least <see cref="ReferenceScratchWords"/> words.</param>
    /// <param name="context">Output [tokens, hidden] floats (integer counts).</param>
    public static void Reference(ReadOnlySpan<ulong> q, ReadOnlySpan<ulong> k, ReadOnlySpan<ulong> v, int tokens, int hidden, int heads,
        Span<ulong> scratch, Span<float> context)
    {
        int d = hidden / heads, stride = Words(hidden), dWords = Words(d), tWords = Words(tokens);
        Span<ulong> headQ = scratch.Slice(0, tokens * dWords);
        Span<ulong> headK = scratch.Slice(tokens * dWords, tokens * dWords);
        Span<ulong> negativeV = scratch.Slice(2 * tokens * dWords, d * tWords);
        Span<ulong> selected = scratch.Slice(2 * tokens * dWords + d * tWords, tWords);
        for (int h = 0; h < heads; h++)
        {
            int first = h * d;
            // Gather the head's bits so each token's d signs start at bit 0 (heads need not be word-aligned).
            for (int t = 0; t < tokens; t++)
            {
                Extract(q.Slice(t * stride, stride), first, d, headQ.Slice(t * dWords, dWords));
                Extract(k.Slice(t * stride, stride), first, d, headK.Slice(t * dWords, dWords));
            }
            // sign(V) transposed: one bit per token for each dimension, so the context is a popcount.
            negativeV.Clear();
            for (int t = 0; t < tokens; t++)
            {
                ReadOnlySpan<ulong> row = v.Slice(t * stride, stride);
                for (int j = 0; j < d; j++)
                {
                    if (Bit(row, first + j)) negativeV[j * tWords + (t >> 6)] |= 1UL << (t & 63);
                }
            }
            for (int i = 0; i < tokens; i++)
            {
                ReadOnlySpan<ulong> qi = headQ.Slice(i * dWords, dWords);
                selected.Clear();
                for (int j = 0; j < tokens; j++)
                {
                    ReadOnlySpan<ulong> kj = headK.Slice(j * dWords, dWords);
                    int mismatches = 0;
                    for (int w = 0; w < dWords; w++) mismatches += BitOperations.PopCount(qi[w] ^ kj[w]);
                    if (d - 2 * mismatches > 0) selected[j >> 6] |= 1UL << (j & 63);
                }
                int count = 0;
                for (int w = 0; w < tWords; w++) count += BitOperations.PopCount(selected[w]);
                Span<float> ci = context.Slice(i * hidden + first, d);
                for (int j = 0; j < d; j++)
                {
                    ReadOnlySpan<ulong> column = negativeV.Slice(j * tWords, tWords);
                    int negatives = 0;
                    for (int w = 0; w < tWords; w++) negatives += BitOperations.PopCount(selected[w] & column[w]);
                    ci[j] = count - 2 * negatives;
                }
            }
        }
    }

    internal static int Words(int bits) => (bits + 63) >> 6;

    internal static bool Bit(ReadOnlySpan<ulong> row, int index) => (row[index >> 6] >> (index & 63) & 1) != 0;

    /// <summary>Copies bits [first, first + count) of <paramref name="row"/> to bit 0 onward of <paramref name="destination"/>.</summary>
    internal static void Extract(ReadOnlySpan<ulong> row, int first, int count, Span<ulong> destination)
    {
        int words = Words(count);
        for (int w = 0; w < words; w++)
        {
            int start = first + w * 64, word = start >> 6, shift = start & 63;
            ulong value = row[word] >> shift;
            if (shift != 0 && word + 1 < row.Length) value |= row[word + 1] << (64 - shift);
            int remaining = count - w * 64;
            if (remaining < 64) value &= (1UL << remaining) - 1;
            destination[w] = value;
        }
    }
}
