using System.Runtime.Intrinsics;

namespace EdgeBert.Kernels.Binary;

/// <summary>
/// Float epilogue of W1A1 and W2A1: dot = base[n] − 2·count, where base is K (binary) or the
/// row's nonzero count (ternary); y[m, n] = alpha[n] · tokenScale[m] · dot + bias[n].
/// The scalar references evaluate the same float expression in the same order (convert,
/// multiply, multiply, add: no fused multiply-add), so results are bit-identical across
/// instruction sets, vectorised or not.
/// </summary>
internal unsafe struct DotFloatEpilogue : IPopCountEpilogue
{
    public float* Output;
    public int OutputStride;
    public float* Alpha;
    /// <summary>Per-token scale, or null for 1.</summary>
    public float* TokenScale;
    /// <summary>Per-output bias, or null for 0.</summary>
    public float* Bias;
    /// <summary>Per-output base of the dot product, or null for <see cref="K"/>.</summary>
    public int* Base;
    public int K;

    public readonly void Apply(int token0, int tokenCount, int n0, int nCount, int* counts, int countStride)
    {
        for (int t = 0; t < tokenCount; t++)
        {
            int m = token0 + t;
            float scale = TokenScale == null ? 1f : TokenScale[m];
            float* y = Output + (long)m * OutputStride + n0;
            int* c = counts + t * countStride;
            int j = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                Vector512<float> scales = Vector512.Create(scale);
                for (; j + 16 <= nCount; j += 16)
                {
                    Vector512<int> count = Vector512.Load(c + j);
                    Vector512<int> bases = Base == null ? Vector512.Create(K) : Vector512.Load(Base + n0 + j);
                    Vector512<float> dot = Vector512.ConvertToSingle(bases - count - count);
                    Vector512<float> r = Vector512.Load(Alpha + n0 + j) * scales * dot;
                    r += Bias == null ? Vector512<float>.Zero : Vector512.Load(Bias + n0 + j);
                    r.Store(y + j);
                }
            }
            if (Vector256.IsHardwareAccelerated)
            {
                Vector256<float> scales = Vector256.Create(scale);
                for (; j + 8 <= nCount; j += 8)
                {
                    Vector256<int> count = Vector256.Load(c + j);
                    Vector256<int> bases = Base == null ? Vector256.Create(K) : Vector256.Load(Base + n0 + j);
                    Vector256<float> dot = Vector256.ConvertToSingle(bases - count - count);
                    Vector256<float> r = Vector256.Load(Alpha + n0 + j) * scales * dot;
                    r += Bias == null ? Vector256<float>.Zero : Vector256.Load(Bias + n0 + j);
                    r.Store(y + j);
                }
            }
            for (; j < nCount; j++)
            {
                int n = n0 + j;
                int dot = (Base == null ? K : Base[n]) - 2 * c[j];
                y[j] = Alpha[n] * scale * dot + (Bias == null ? 0f : Bias[n]);
            }
        }
    }
}

/// <summary>
/// Fused sign epilogue of W1A1 and W2A1 (KERNELS.md lesson 6): writes bit (dot &lt; T[n]) ⊕ (dot &lt; B[n])
/// straight into the next layer's canonical binary activation row (output channel n = bit n).
/// Work items of the 4 × 3 tiles cover 48 outputs, which do not align with 64-bit words, so
/// words are merged with an OR into rows the caller zeroed: an atomic one when other threads may
/// share the word (<see cref="Concurrent"/>), a plain one on one thread (no other writer; a locked
/// OR also orders every memory access around it). An item of whole words (n0 and the output count
/// multiples of 64, as the sextet table's 64-output items are) is the only writer of its words
/// and merges them plainly on any thread. n0 is a multiple of 8, so a group of 8 outputs never
/// straddles two words.
/// </summary>
internal unsafe struct DotSignEpilogue : IPopCountEpilogue
{
    public ulong* Output;
    public int OutputStride;
    public int* Threshold;
    public int* Bound;
    public int* Base;
    public int K;
    /// <summary>Whether work items run on several threads (threads &gt; 1): merge words atomically.</summary>
    public bool Concurrent;

    /// <summary>The epilogue of one sign product: packed rows at <paramref name="output"/>, thresholds pinned, run on <paramref name="threads"/> threads.</summary>
    public static DotSignEpilogue For(ulong* output, int outputStride, int* threshold, int* bound, int* baseCounts, int k, int threads) => new()
    {
        Output = output, OutputStride = outputStride, Threshold = threshold, Bound = bound,
        Base = baseCounts, K = k, Concurrent = threads > 1,
    };

    public readonly void Apply(int token0, int tokenCount, int n0, int nCount, int* counts, int countStride)
    {
        bool atomic = Concurrent && (n0 % 64 != 0 || nCount % 64 != 0);
        for (int t = 0; t < tokenCount; t++)
        {
            ulong* row = Output + (long)(token0 + t) * OutputStride;
            int* c = counts + t * countStride;
            ulong word = 0;
            int wordIndex = n0 >> 6;
            int j = 0;
            // bit n = (dot < T[n]) XOR (dot < B[n]); 16 or 8 channels at once start at a multiple
            // of their count (n0 is a multiple of 8), so they never straddle a word.
            if (Vector512.IsHardwareAccelerated && n0 % 16 == 0)
            {
                for (; j + 16 <= nCount; j += 16)
                {
                    int n = n0 + j;
                    Advance(row, n, ref wordIndex, ref word, atomic);
                    word |= Negatives16(c + j, n) << (n & 63);
                }
            }
            if (Vector256.IsHardwareAccelerated)
            {
                for (; j + 8 <= nCount; j += 8)
                {
                    int n = n0 + j;
                    Advance(row, n, ref wordIndex, ref word, atomic);
                    word |= Negatives8(c + j, n) << (n & 63);
                }
            }
            for (; j < nCount; j++)
            {
                int n = n0 + j;
                Advance(row, n, ref wordIndex, ref word, atomic);
                int dot = (Base == null ? K : Base[n]) - 2 * c[j];
                if ((dot < Threshold[n]) != (dot < Bound[n])) word |= 1UL << (n & 63);
            }
            Merge(row, wordIndex, word, atomic);
        }
    }

    /// <summary>The sign bits of channels n … n + 15 from their counts.</summary>
    private readonly ulong Negatives16(int* count, int n)
    {
        Vector512<int> bases = Base == null ? Vector512.Create(K) : Vector512.Load(Base + n);
        Vector512<int> dot = bases - Vector512.Load(count) - Vector512.Load(count);
        return (Vector512.LessThan(dot, Vector512.Load(Threshold + n)) ^ Vector512.LessThan(dot, Vector512.Load(Bound + n))).ExtractMostSignificantBits();
    }

    /// <summary>The sign bits of channels n … n + 7 from their counts.</summary>
    private readonly ulong Negatives8(int* count, int n)
    {
        Vector256<int> bases = Base == null ? Vector256.Create(K) : Vector256.Load(Base + n);
        Vector256<int> dot = bases - Vector256.Load(count) - Vector256.Load(count);
        return (Vector256.LessThan(dot, Vector256.Load(Threshold + n)) ^ Vector256.LessThan(dot, Vector256.Load(Bound + n))).ExtractMostSignificantBits();
    }

    /// <summary>Before channel n: when it starts a new word, merges the finished one and starts afresh.</summary>
    private static void Advance(ulong* row, int n, ref int wordIndex, ref ulong word, bool atomic)
    {
        if ((n >> 6) == wordIndex) return;
        Merge(row, wordIndex, word, atomic);
        word = 0;
        wordIndex = n >> 6;
    }

    /// <summary>row[index] |= word: atomically when another item may write the same word.</summary>
    private static void Merge(ulong* row, int index, ulong word, bool atomic)
    {
        if (word == 0) return;
        if (atomic) Interlocked.Or(ref row[index], word);
        else row[index] |= word;
    }
}

/// <summary>
/// Float epilogue of the bit-serial W1A4/W1A8 product. With c_b = popcount(a_b ∧ wneg) per
/// plane b, Σ_k w_k·q_k = Σq − 2·Σ_b 2^b·c_b, and the zero point subtracts z·Σ_k w_k =
/// z·(K − 2·negatives[n]); y = alpha[n] · scale[m] · dot + bias[n].
/// </summary>
internal unsafe struct BitSerialFloatEpilogue : IPopCountEpilogue
{
    /// <summary>
    /// Largest K for which the 32-bit vector path cannot overflow: |dot| ≤ 3·255·K fits in int.
    /// </summary>
    private const int MaxVectorK = int.MaxValue / (3 * 255);

    public float* Output;
    public int OutputStride;
    public float* Alpha;
    public float* TokenScale;
    /// <summary>Per-token zero point, or null for 0.</summary>
    public int* ZeroPoint;
    /// <summary>Per-token Σ_k q_k.</summary>
    public long* CodeSum;
    public int* Negatives;
    public float* Bias;
    public int K;
    public int Bits;

    public readonly void Apply(int token0, int tokenCount, int n0, int nCount, int* counts, int countStride)
    {
        for (int t = 0; t < tokenCount; t++)
        {
            int m = token0 + t;
            long zero = ZeroPoint == null ? 0 : ZeroPoint[m];
            float scale = TokenScale[m];
            float* y = Output + (long)m * OutputStride + n0;
            int* c = counts + t * Bits * countStride;
            int j = 0;
            if (Vector256.IsHardwareAccelerated && K <= MaxVectorK)
            {
                Vector256<float> scales = Vector256.Create(scale);
                Vector256<int> codeSum = Vector256.Create((int)CodeSum[m]);
                Vector256<int> zeros = Vector256.Create((int)zero);
                Vector256<int> k = Vector256.Create(K);
                for (; j + 8 <= nCount; j += 8)
                {
                    Vector256<int> weighted = Vector256<int>.Zero;
                    for (int b = 0; b < Bits; b++) weighted += Vector256.Load(c + b * countStride + j) << b;
                    Vector256<int> negatives = Vector256.Load(Negatives + n0 + j);
                    Vector256<int> dot = codeSum - weighted - weighted - zeros * (k - negatives - negatives);
                    Vector256<float> r = Vector256.Load(Alpha + n0 + j) * scales * Vector256.ConvertToSingle(dot);
                    r += Bias == null ? Vector256<float>.Zero : Vector256.Load(Bias + n0 + j);
                    r.Store(y + j);
                }
            }
            for (; j < nCount; j++)
            {
                int n = n0 + j;
                long weighted = 0;
                for (int b = 0; b < Bits; b++) weighted += (long)c[b * countStride + j] << b;
                long dot = CodeSum[m] - 2 * weighted - zero * (K - 2L * Negatives[n]);
                y[j] = Alpha[n] * scale * dot + (Bias == null ? 0f : Bias[n]);
            }
        }
    }
}
