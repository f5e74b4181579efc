using System.Numerics;
using CommunityToolkit.HighPerformance;

namespace EdgeBert.Kernels.Packing;

/// <summary>
/// Binary weights [N, K] re-laid once, at load, from the canonical layout into the kernels'
/// lane-per-output panels (KERNELS.md lesson 2): a panel is 8 output rows, and for every K-word
/// the 8 rows' words sit next to each other, so one 512-bit load is "word k of 8 outputs" and
/// the activation word is broadcast against it.
/// <code>
///  canonical (row-major, stride S)        panels (Kw = ceil(K/64) words per row)
///  row 0: w0,0 w0,1 ... w0,Kw-1           panel 0: [w0,0 w1,0 ... w7,0][w0,1 w1,1 ... w7,1] ... [.. w7,Kw-1]
///  row 1: w1,0 w1,1 ...                   panel 1: [w8,0 w9,0 ... w15,0] ...
///  ...                                     the last panel's rows past N are all-zero words
///  one [...] = 8 ulongs = 512 bits = one Vector512 (two Vector256, four Vector128)
/// </code>
/// Per output row it also keeps alpha (expanded from a per-tensor scale) and the count of
/// negative weights, which the bit-serial kernels need for Σ_k w_k = K − 2·negatives.
/// Immutable after creation: one instance is shared by every session and thread.
/// </summary>
public sealed class PackedBinaryWeights
{
    private readonly float[] _alpha;

    private PackedBinaryWeights(int n, int k, ulong[] panels, int[] negatives, float[] alpha)
    {
        N = n;
        K = k;
        PanelWords = panels;
        NegativeCount = negatives;
        _alpha = alpha;
    }

    /// <summary>Output features (rows of the weight).</summary>
    public int N { get; }

    /// <summary>Input features (the reduction dimension).</summary>
    public int K { get; }

    /// <summary>Words per row along K: ceil(K / 64).</summary>
    public int KWords => BinaryLayout.WordsPerRow(K);

    /// <summary>Number of 8-row panels: ceil(N / 8).</summary>
    public int PanelCount => (N + BinaryLayout.PanelRows - 1) / BinaryLayout.PanelRows;

    /// <summary>The weight scale alpha of every output row (N values).</summary>
    public ReadOnlySpan<float> Alpha => _alpha;

    /// <summary>Panel words: PanelCount × KWords × 8.</summary>
    internal ulong[] PanelWords { get; }

    /// <summary>Negative weights per output row.</summary>
    internal int[] NegativeCount { get; }

    /// <summary>
    /// The weights for <see cref="Binary.Avx512XorTableTile"/>: panels of 64 outputs, and in each,
    /// for every sextet s (<see cref="SextetLayout.SextetsPerRow"/>), the 64 outputs' sextet s as
    /// 64 bytes (rows past N are 0); built on first use (once per weight).
    /// </summary>
    internal byte[] XorTablePanels => Volatile.Read(ref _xorTablePanels) ?? PublishXorTablePanels();

    private byte[]? _xorTablePanels;

    /// <summary>Builds the panels once (a racing thread's copy is dropped); no delegate, so no allocation once built.</summary>
    private byte[] PublishXorTablePanels() => Interlocked.CompareExchange(ref _xorTablePanels, BuildXorTablePanels(), null) ?? _xorTablePanels!;

    private unsafe byte[] BuildXorTablePanels()
    {
        const int outputs = 64;
        int kWords = KWords, sextets = SextetLayout.SextetsPerRow(K), panels = (N + outputs - 1) / outputs;
        var bytes = new byte[checked(panels * sextets * outputs)];
        var row = new ulong[kWords];
        var sextetRow = new ulong[SextetLayout.WordsPerRow(K)];
        fixed (ulong* src = row)
        fixed (ulong* dst = sextetRow)
        {
            for (int n = 0; n < N; n++)
            {
                for (int w = 0; w < kWords; w++) row[w] = Word(n, w);
                SextetLayout.FromCanonical(src, K, dst);
                byte* values = (byte*)dst;
                int panel = n / outputs, lane = n % outputs;
                for (int s = 0; s < sextets; s++) bytes[((long)panel * sextets + s) * outputs + lane] = values[s];
            }
        }
        return bytes;
    }

    /// <summary>
    /// Re-lays canonical binary weights (N rows × <see cref="BinaryLayout.RowStrideWords"/> words).
    /// <paramref name="alpha"/> holds 1 (per tensor) or N (per row) finite scales.
    /// </summary>
    public static PackedBinaryWeights FromCanonical(ReadOnlySpan<ulong> bits, int n, int k, ReadOnlySpan<float> alpha)
    {
        ThrowIfBadShape(n, k);
        BinaryLayout.ThrowIfTooShort(bits.Length, n, k, nameof(bits));
        BinaryLayout.ThrowIfPaddingSet(bits, n, k, nameof(bits));
        float[] alphaRows = ExpandScales(alpha, n, nameof(alpha));
        int stride = BinaryLayout.RowStrideWords(k);
        int kWords = BinaryLayout.WordsPerRow(k);
        int panels = (n + BinaryLayout.PanelRows - 1) / BinaryLayout.PanelRows;
        var words = new ulong[checked(panels * kWords * BinaryLayout.PanelRows)];
        var negatives = new int[n];
        for (int row = 0; row < n; row++)
        {
            ReadOnlySpan<ulong> src = bits.Slice(row * stride, kWords);
            int panel = row / BinaryLayout.PanelRows, lane = row % BinaryLayout.PanelRows;
            int count = 0;
            for (int w = 0; w < kWords; w++)
            {
                words[(panel * kWords + w) * BinaryLayout.PanelRows + lane] = src[w];
                count += BitOperations.PopCount(src[w]);
            }
            negatives[row] = count;
        }
        return new PackedBinaryWeights(n, k, words, negatives, alphaRows);
    }

    /// <summary>Packs the signs of float weights [N, K] (see <see cref="SignPacking"/>) and re-lays them.</summary>
    public static PackedBinaryWeights FromFloat(ReadOnlySpan2D<float> weights, ReadOnlySpan<float> alpha)
    {
        ThrowIfBadShape(weights.Height, weights.Width);
        var canonical = new ulong[BinaryLayout.MatrixWords(weights.Height, weights.Width)];
        SignPacking.Pack(weights, canonical);
        return FromCanonical(canonical, weights.Height, weights.Width, alpha);
    }

    /// <summary>Whether weight [n, k] is -1 (read from the panels; for checks and references).</summary>
    public bool IsNegative(int n, int k)
    {
        if ((uint)n >= (uint)N || (uint)k >= (uint)K)
        {
            throw new ArgumentOutOfRangeException(nameof(n), $"[{n}, {k}] is outside the weight [{N}, {K}].");
        }
        return ((Word(n, k >> 6) >> (k & 63)) & 1) != 0;
    }

    /// <summary>Word <paramref name="w"/> of output row <paramref name="n"/>.</summary>
    internal ulong Word(int n, int w) =>
        PanelWords[(n / BinaryLayout.PanelRows * KWords + w) * BinaryLayout.PanelRows + n % BinaryLayout.PanelRows];

    internal static void ThrowIfBadShape(int n, int k)
    {
        if (n < 1 || k < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(n), $"A weight must be at least [1, 1]; got [{n}, {k}].");
        }
    }

    internal static float[] ExpandScales(ReadOnlySpan<float> alpha, int n, string paramName)
    {
        if (alpha.Length != 1 && alpha.Length != n)
        {
            throw new ArgumentException($"Expected 1 (per tensor) or {n} (per row) scales, got {alpha.Length}.", paramName);
        }
        var rows = new float[n];
        for (int i = 0; i < n; i++)
        {
            float a = alpha.Length == 1 ? alpha[0] : alpha[i];
            if (!float.IsFinite(a))
            {
                throw new ArgumentException($"Scale {i} is {a}; scales must be finite.", paramName);
            }
            rows[i] = a;
        }
        return rows;
    }
}
