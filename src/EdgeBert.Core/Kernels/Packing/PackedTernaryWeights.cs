using System.Numerics;
using CommunityToolkit.HighPerformance;

namespace EdgeBert.Kernels.Packing;

/// <summary>
/// Ternary weights [N, K] re-laid once, at load, from the canonical two-plane layout into
/// lane-per-output panels of 8 rows (as <see cref="PackedBinaryWeights"/>), with the sign and
/// nonzero words of one K-word stored next to each other so a K-step reads one contiguous
/// 1024-bit block per panel:
/// <code>
///  panel p, K-word w:  [s(8p,w) s(8p+1,w) ... s(8p+7,w)][m(8p,w) m(8p+1,w) ... m(8p+7,w)]
///                      |&lt;------ sign plane, 512 bit ------&gt;|&lt;----- nonzero plane, 512 bit ----&gt;|
///  index of s(row, w) = ((p·Kw + w)·2 + 0)·8 + row % 8,   m(row, w): plane 1 instead of 0
/// </code>
/// It keeps alpha per row and Σ nonzero per row, the constant term of
/// dot = Σm − 2·popcount((a ⊕ s) ∧ m).
/// Immutable after creation: one instance is shared by every session and thread.
/// </summary>
public sealed class PackedTernaryWeights
{
    private readonly float[] _alpha;

    private PackedTernaryWeights(int n, int k, ulong[] panels, int[] nonzero, float[] alpha)
    {
        N = n;
        K = k;
        PanelWords = panels;
        NonZeroCount = nonzero;
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

    /// <summary>Panel words: PanelCount × KWords × 2 planes × 8.</summary>
    internal ulong[] PanelWords { get; }

    /// <summary>Nonzero weights per output row.</summary>
    internal int[] NonZeroCount { get; }

    /// <summary>
    /// Re-lays canonical ternary planes (plane 0 = sign, then plane 1 = nonzero, each N ×
    /// <see cref="BinaryLayout.RowStrideWords"/> words). <paramref name="alpha"/> holds 1 or N scales.
    /// A sign bit where the nonzero bit is 0 is rejected: the canonical layout has sign 0 at zeros.
    /// </summary>
    public static PackedTernaryWeights FromCanonical(ReadOnlySpan<ulong> planes, int n, int k, ReadOnlySpan<float> alpha)
    {
        PackedBinaryWeights.ThrowIfBadShape(n, k);
        BinaryLayout.ThrowIfTooShort(planes.Length, n, k, nameof(planes), planes: 2);
        int stride = BinaryLayout.RowStrideWords(k);
        int planeWords = n * stride;
        ReadOnlySpan<ulong> sign = planes.Slice(0, planeWords);
        ReadOnlySpan<ulong> mask = planes.Slice(planeWords, planeWords);
        BinaryLayout.ThrowIfPaddingSet(sign, n, k, nameof(planes));
        BinaryLayout.ThrowIfPaddingSet(mask, n, k, nameof(planes));
        float[] alphaRows = PackedBinaryWeights.ExpandScales(alpha, n, nameof(alpha));
        int kWords = BinaryLayout.WordsPerRow(k);
        int panels = (n + BinaryLayout.PanelRows - 1) / BinaryLayout.PanelRows;
        var words = new ulong[checked(panels * kWords * 2 * BinaryLayout.PanelRows)];
        var nonzero = new int[n];
        for (int row = 0; row < n; row++)
        {
            int panel = row / BinaryLayout.PanelRows, lane = row % BinaryLayout.PanelRows;
            int count = 0;
            for (int w = 0; w < kWords; w++)
            {
                ulong s = sign[row * stride + w], m = mask[row * stride + w];
                if ((s & ~m) != 0)
                {
                    throw new ArgumentException(
                        $"Ternary row {row} of [{n}, {k}] has a sign bit set on a zero value in word {w}; the sign plane must be 0 where the value is 0.",
                        nameof(planes));
                }
                int at = (panel * kWords + w) * 2 * BinaryLayout.PanelRows + lane;
                words[at] = s;
                words[at + BinaryLayout.PanelRows] = m;
                count += BitOperations.PopCount(m);
            }
            nonzero[row] = count;
        }
        return new PackedTernaryWeights(n, k, words, nonzero, alphaRows);
    }

    /// <summary>Packs float weights [N, K] by sign and zero-ness (see <see cref="TernaryPacking"/>) and re-lays them.</summary>
    public static PackedTernaryWeights FromFloat(ReadOnlySpan2D<float> weights, ReadOnlySpan<float> alpha)
    {
        PackedBinaryWeights.ThrowIfBadShape(weights.Height, weights.Width);
        var canonical = new ulong[TernaryPacking.MatrixWords(weights.Height, weights.Width)];
        TernaryPacking.Pack(weights, canonical);
        return FromCanonical(canonical, weights.Height, weights.Width, alpha);
    }

    /// <summary>Weight [n, k] as -1, 0 or +1 (read from the panels; for checks and references).</summary>
    public int Value(int n, int k)
    {
        if ((uint)n >= (uint)N || (uint)k >= (uint)K)
        {
            throw new ArgumentOutOfRangeException(nameof(n), $"[{n}, {k}] is outside the weight [{N}, {K}].");
        }
        int w = k >> 6, bit = k & 63;
        if (((NonZeroWord(n, w) >> bit) & 1) == 0) return 0;
        return ((SignWord(n, w) >> bit) & 1) != 0 ? -1 : 1;
    }

    /// <summary>Sign word <paramref name="w"/> of output row <paramref name="n"/>.</summary>
    internal ulong SignWord(int n, int w) =>
        PanelWords[(n / BinaryLayout.PanelRows * KWords + w) * 2 * BinaryLayout.PanelRows + n % BinaryLayout.PanelRows];

    /// <summary>Nonzero word <paramref name="w"/> of output row <paramref name="n"/>.</summary>
    internal ulong NonZeroWord(int n, int w) =>
        PanelWords[(n / BinaryLayout.PanelRows * KWords + w) * 2 * BinaryLayout.PanelRows + BinaryLayout.PanelRows + n % BinaryLayout.PanelRows];
}
