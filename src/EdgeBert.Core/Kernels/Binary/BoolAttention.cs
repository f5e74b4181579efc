using System.Numerics;
using CommunityToolkit.HighPerformance.Helpers;

namespace EdgeBert.Kernels.Binary;

/// <summary>
/// BiBERT's Bi-Attention on packed bits (METHODS.md §3.2), heads split over threads. Per head
/// of d dimensions, with q, k, v the packed signs (bit 1 = negative):
/// selected_ij = d − 2·popcount(q_i ⊕ k_j) &gt; 0 (the bool function on sign(Q)·sign(K)ᵀ), and
/// context[i, c] = popcount(selected_i) − 2·popcount(selected_i ∧ vneg_c), where vneg_c is
/// column c of sign(V) transposed to one bit per token. Integer counts, exactly the scalar
/// reference's (Encoder.BiAttention.Reference).
/// </summary>
/// <remarks>
/// Head scratch, per head (no sharing between threads):
/// <code>
/// [ Q_h: tokens × dWords | K_h: tokens × dWords | vneg: d × tWords | selected: tWords ]
/// </code>
/// Q_h and K_h are only filled when a head does not start on a word boundary or is not a whole
/// number of words; otherwise the rows are read in place.
/// </remarks>
public static unsafe class BoolAttention
{
    /// <summary>Words of scratch <see cref="Compute"/> needs for up to <paramref name="maxTokens"/> tokens.</summary>
    public static int ScratchWords(int maxTokens, int hidden, int heads) => heads * HeadWords(maxTokens, hidden / heads);

    private static int HeadWords(int tokens, int d) => 2 * tokens * Words(d) + d * Words(tokens) + Words(tokens);

    private static int Words(int bits) => (bits + 63) >> 6;

    /// <param name="q">Signs of Q, tokens × words(hidden).</param>
    /// <param name="k">Signs of K, same layout.</param>
    /// <param name="v">Signs of V, same layout.</param>
    /// <param name="tokens">Sequence length.</param>
    /// <param name="hidden">Hidden size (heads × d).</param>
    /// <param name="heads">Heads.</param>
    /// <param name="scratch">At least <see cref="ScratchWords"/>(tokens, hidden, heads) words.</param>
    /// <param name="context">Output [tokens, hidden] floats (integer counts).</param>
    /// <param name="threads">Threads the heads are split over.</param>
    /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
    public static void Compute(ReadOnlySpan<ulong> q, ReadOnlySpan<ulong> k, ReadOnlySpan<ulong> v, int tokens, int hidden, int heads,
        Span<ulong> scratch, Span<float> context, int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(heads);
        if (hidden % heads != 0) throw new ArgumentException($"hidden {hidden} is not a multiple of {heads} heads.", nameof(hidden));
        int stride = Words(hidden);
        if (q.Length < tokens * stride || k.Length < tokens * stride || v.Length < tokens * stride)
        {
            throw new ArgumentException($"Sign matrices need {tokens} × {stride} words.", nameof(q));
        }
        if (scratch.Length < ScratchWords(tokens, hidden, heads)) throw new ArgumentException("Scratch is too short.", nameof(scratch));
        if (context.Length < tokens * hidden) throw new ArgumentException($"Context needs {tokens} × {hidden} floats.", nameof(context));
        if (tokens == 0) return;
        fixed (ulong* pq = q)
        fixed (ulong* pk = k)
        fixed (ulong* pv = v)
        fixed (ulong* ps = scratch)
        fixed (float* pc = context)
        {
            var work = new HeadWork { Q = pq, K = pk, V = pv, Scratch = ps, Context = pc, Tokens = tokens, Hidden = hidden, D = hidden / heads };
            KernelParallel.For(heads, threads, minChunk: 1, in work);
        }
    }

    private struct HeadWork : IAction
    {
        public ulong* Q, K, V, Scratch;
        public float* Context;
        public int Tokens, Hidden, D;

        public readonly void Invoke(int head)
        {
            int t = Tokens, d = D, stride = Words(Hidden), dWords = Words(d), tWords = Words(t), first = head * d;
            ulong* scratch = Scratch + (long)head * HeadWords(t, d);
            ulong* headQ = scratch, headK = scratch + t * dWords, negativeV = headK + t * dWords, selected = negativeV + d * tWords;

            // Rows of this head: in place when word-aligned, else gathered so each starts at bit 0.
            ulong* qRows, kRows;
            int rowStride;
            if ((first & 63) == 0 && (d & 63) == 0)
            {
                qRows = Q + (first >> 6);
                kRows = K + (first >> 6);
                rowStride = stride;
            }
            else
            {
                for (int i = 0; i < t; i++)
                {
                    Extract(Q + (long)i * stride, stride, first, d, headQ + i * dWords);
                    Extract(K + (long)i * stride, stride, first, d, headK + i * dWords);
                }
                qRows = headQ;
                kRows = headK;
                rowStride = dWords;
            }

            // sign(V) transposed: bit i of column c is set when V[i, first + c] is negative.
            new Span<ulong>(negativeV, d * tWords).Clear();
            for (int i = 0; i < t; i++)
            {
                ulong* row = V + (long)i * stride;
                ulong bit = 1UL << (i & 63);
                int word = i >> 6;
                for (int w = 0; w < dWords; w++)
                {
                    ulong bits = ExtractWord(row, stride, first + w * 64, Math.Min(64, d - w * 64));
                    while (bits != 0)
                    {
                        int c = w * 64 + BitOperations.TrailingZeroCount(bits);
                        negativeV[c * tWords + word] |= bit;
                        bits &= bits - 1;
                    }
                }
            }

            for (int i = 0; i < t; i++)
            {
                ulong* qi = qRows + (long)i * rowStride;
                // bool_ij = d − 2·mismatches > 0, i.e. the sign bit of 2·mismatches − d; branch-free,
                // since random signs make the comparison unpredictable.
                for (int j0 = 0; j0 < t; j0 += 64)
                {
                    ulong word = 0;
                    for (int j = j0, end = Math.Min(t, j0 + 64); j < end; j++)
                    {
                        ulong* kj = kRows + (long)j * rowStride;
                        int mismatches = 0;
                        for (int w = 0; w < dWords; w++) mismatches += BitOperations.PopCount(qi[w] ^ kj[w]);
                        word |= (ulong)((uint)(2 * mismatches - d) >> 31) << (j - j0);
                    }
                    selected[j0 >> 6] = word;
                }
                int count = 0;
                for (int w = 0; w < tWords; w++) count += BitOperations.PopCount(selected[w]);
                float* ci = Context + (long)i * Hidden + first;
                for (int c = 0; c < d; c++)
                {
                    ulong* column = negativeV + c * tWords;
                    int negatives = 0;
                    for (int w = 0; w < tWords; w++) negatives += BitOperations.PopCount(selected[w] & column[w]);
                    ci[c] = count - 2 * negatives;
                }
            }
        }
    }

    /// <summary>Bits [start, start + count) of a row as one word (count ≤ 64), zero above count.</summary>
    private static ulong ExtractWord(ulong* row, int rowWords, int start, int count)
    {
        int word = start >> 6, shift = start & 63;
        ulong value = row[word] >> shift;
        if (shift != 0 && word + 1 < rowWords) value |= row[word + 1] << (64 - shift);
        return count < 64 ? value & ((1UL << count) - 1) : value;
    }

    private static void Extract(ulong* row, int rowWords, int first, int count, ulong* destination)
    {
        for (int w = 0; w < Words(count); w++) destination[w] = ExtractWord(row, rowWords, first + w * 64, Math.Min(64, count - w * 64));
    }
}
