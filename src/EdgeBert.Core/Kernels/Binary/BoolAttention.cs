using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using CommunityToolkit.HighPerformance.Helpers;
using EdgeBert.Kernels.Packing;

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
/// Head scratch, per head (no sharing between threads); tPad and dPad round up to 8 lanes:
/// <code>
/// [ Q_h: tokens × dWords | K_h word-major: dWords × tPad | vneg word-major: tWords × dPad | selected: tWords ]
/// </code>
/// Word-major K_h and vneg put 8 keys' (or 8 columns') words side by side, so on AVX-512BW one
/// vector computes 8 scores (or 8 context values) with the vpshufb nibble popcount and a SAD;
/// elsewhere the same layout runs with scalar popcount. All integers: identical either way.
/// </remarks>
public static unsafe class BoolAttention
{
    /// <summary>Words of scratch <see cref="Compute"/> needs for up to <paramref name="maxTokens"/> tokens.</summary>
    public static int ScratchWords(int maxTokens, int hidden, int heads) => heads * HeadWords(maxTokens, hidden / heads);

    private static int HeadWords(int tokens, int d) => tokens * Words(d) + Words(d) * Pad8(tokens) + Words(tokens) * Pad8(d) + Words(tokens);

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
            int tPad = Pad8(t), dPad = Pad8(d);
            ulong* headQ = Scratch + (long)head * HeadWords(t, d);
            ulong* keys = headQ + t * dWords, negativeV = keys + dWords * tPad, selected = negativeV + tWords * dPad;

            // Q_h rows (token-major, each starting at bit 0) and K_h word-major: keys[w·tPad + j] is word w of key j,
            // so 8 keys' words sit side by side for one vector; padding keys are 0.
            new Span<ulong>(keys, dWords * tPad).Clear();
            for (int i = 0; i < t; i++)
            {
                for (int w = 0; w < dWords; w++)
                {
                    int bits = Math.Min(64, d - w * 64);
                    headQ[i * dWords + w] = ExtractWord(Q + (long)i * stride, stride, first + w * 64, bits);
                    keys[w * tPad + i] = ExtractWord(K + (long)i * stride, stride, first + w * 64, bits);
                }
            }

            // sign(V) transposed, word-major: bit (i mod 64) of negativeV[(i / 64)·dPad + c] is set when V[i, first + c] is
            // negative. Each 64 tokens × 64 columns block is one 64 × 64 bit transpose; padding tokens and columns stay 0.
            new Span<ulong>(negativeV, tWords * dPad).Clear();
            ulong* block = stackalloc ulong[64];
            for (int tb = 0; tb < tWords; tb++)
            {
                for (int w = 0; w < dWords; w++)
                {
                    int bits = Math.Min(64, d - w * 64);
                    for (int r = 0; r < 64; r++)
                    {
                        int i = tb * 64 + r;
                        block[r] = i < t ? ExtractWord(V + (long)i * stride, stride, first + w * 64, bits) : 0;
                    }
                    BitTranspose.Transpose64(block);
                    ulong* column = negativeV + tb * dPad + w * 64;
                    for (int c = 0; c < bits; c++) column[c] = block[c];
                }
            }

            bool vector = Avx512BW.IsSupported && dWords <= MaxVectorWords && tWords <= MaxVectorWords;
            for (int i = 0; i < t; i++)
            {
                ulong* qi = headQ + i * dWords;
                if (vector) SelectAvx512(qi, keys, dWords, t, tPad, d, selected);
                else Select(qi, keys, dWords, t, tPad, d, selected);
                int count = 0;
                for (int w = 0; w < tWords; w++) count += BitOperations.PopCount(selected[w]);
                float* ci = Context + (long)i * Hidden + first;
                if (vector) ContextAvx512(selected, negativeV, tWords, dPad, d, count, ci);
                else Context1(selected, negativeV, tWords, dPad, d, count, ci);
            }
        }
    }

    /// <summary>Byte counts grow by at most 8 per word: 31 words stay below 256.</summary>
    private const int MaxVectorWords = 31;

    private static int Pad8(int n) => (n + 7) & ~7;

    /// <summary>selected bit j = d − 2·popcount(q_i ⊕ k_j) &gt; 0, branch-free (random signs make the comparison unpredictable).</summary>
    private static void Select(ulong* qi, ulong* keys, int dWords, int t, int tPad, int d, ulong* selected)
    {
        for (int j0 = 0; j0 < t; j0 += 64)
        {
            ulong word = 0;
            for (int j = j0, end = Math.Min(t, j0 + 64); j < end; j++)
            {
                int mismatches = 0;
                for (int w = 0; w < dWords; w++) mismatches += BitOperations.PopCount(qi[w] ^ keys[w * tPad + j]);
                word |= (ulong)((uint)(2 * mismatches - d) >> 31) << (j - j0);
            }
            selected[j0 >> 6] = word;
        }
    }

    /// <summary>context[c] = count − 2·popcount(selected ∧ vneg_c).</summary>
    private static void Context1(ulong* selected, ulong* negativeV, int tWords, int dPad, int d, int count, float* ci)
    {
        for (int c = 0; c < d; c++)
        {
            int negatives = 0;
            for (int w = 0; w < tWords; w++) negatives += BitOperations.PopCount(selected[w] & negativeV[w * dPad + c]);
            ci[c] = count - 2 * negatives;
        }
    }

    /// <summary>Per-lane popcount of 8 words as bytes (vpshufb nibble lookup), to be summed by SAD.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> ByteCounts(Vector512<ulong> x, Vector512<byte> lut, Vector512<ulong> nibble) =>
        Avx512BW.Shuffle(lut, (x & nibble).AsByte()) + Avx512BW.Shuffle(lut, ((x >> 4) & nibble).AsByte());

    private static Vector512<byte> Lut()
    {
        Vector128<byte> lut128 = Vector128.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
        Vector256<byte> lut256 = Vector256.Create(lut128, lut128);
        return Vector512.Create(lut256, lut256);
    }

    /// <summary><see cref="Select"/> for 8 keys per vector: one lane per key.</summary>
    private static void SelectAvx512(ulong* qi, ulong* keys, int dWords, int t, int tPad, int d, ulong* selected)
    {
        Vector512<byte> lut = Lut();
        Vector512<ulong> nibble = Vector512.Create((byte)0x0F).AsUInt64(), limit = Vector512.Create((ulong)d);
        ulong word = 0;
        for (int j = 0; j < tPad; j += 8)
        {
            Vector512<byte> counts = Vector512<byte>.Zero;
            for (int w = 0; w < dWords; w++) counts += ByteCounts(Vector512.Create(qi[w]) ^ Vector512.Load(keys + w * tPad + j), lut, nibble);
            Vector512<ulong> mismatches = Avx512BW.SumAbsoluteDifferences(counts, Vector512<byte>.Zero).AsUInt64();
            word |= Vector512.LessThan(mismatches + mismatches, limit).ExtractMostSignificantBits() << (j & 63);
            if ((j & 63) == 56 || j + 8 == tPad)
            {
                // Padding keys (j ≥ t) are zero words and may compare as selected: cut them off.
                int valid = Math.Min(64, t - (j & ~63));
                selected[j >> 6] = valid == 64 ? word : word & ((1UL << valid) - 1);
                word = 0;
            }
        }
    }

    /// <summary><see cref="Context1"/> for 8 columns per vector: one lane per column.</summary>
    private static void ContextAvx512(ulong* selected, ulong* negativeV, int tWords, int dPad, int d, int count, float* ci)
    {
        Vector512<byte> lut = Lut();
        Vector512<ulong> nibble = Vector512.Create((byte)0x0F).AsUInt64();
        Vector256<int> counts = Vector256.Create(count);
        for (int c = 0; c < dPad; c += 8)
        {
            Vector512<byte> bytes = Vector512<byte>.Zero;
            for (int w = 0; w < tWords; w++) bytes += ByteCounts(Vector512.Create(selected[w]) & Vector512.Load(negativeV + w * dPad + c), lut, nibble);
            Vector256<int> negatives = Avx512F.ConvertToVector256Int32(Avx512BW.SumAbsoluteDifferences(bytes, Vector512<byte>.Zero).AsInt64());
            Vector256<float> value = Vector256.ConvertToSingle(counts - negatives - negatives);
            if (c + 8 <= d) value.Store(ci + c);
            else for (int l = 0; l < d - c; l++) ci[c + l] = value.GetElement(l);
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

}
