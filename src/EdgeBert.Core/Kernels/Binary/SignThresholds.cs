using EdgeBert.Kernels.Elementwise;

namespace EdgeBert.Kernels.Binary;

/// <summary>
/// Per-output-channel integer thresholds that fuse the next layer's sign() into a popcount
/// GEMM (KERNELS.md lesson 6). The packed output bit of channel n is 1 (negative) exactly when
/// the float value <c>y = alpha[n] * dot + beta[n]</c> (float32, multiply then add) falls in the
/// activation's negative band: <c>y &lt; 0</c> for a plain sign (<see cref="Create(ReadOnlySpan{float}, ReadOnlySpan{float}, int, int)"/>), or
/// <c>gelu(y) &lt; 0</c> for the sign after GELU (<see cref="CreateGelu"/>, the W1A1 FFN:
/// <see cref="GeluSign"/>). Because y is monotone in dot, the band is one run of integer dots
/// [lo, hi), tested as bit = (dot &lt; Threshold[n]) XOR (dot &lt; Bound[n]). The ends are found
/// by evaluating the float formula itself (binary search over dot in [−K, K]), so equality edge
/// cases (alpha·dot + beta == 0 gives +1) agree with the formula bit for bit.
/// Immutable after creation; compute once per layer at load.
/// </summary>
public sealed class SignThresholds
{
    private readonly int[] _threshold;
    private readonly int[] _bound;

    private SignThresholds(int k, int[] threshold, int[] bound)
    {
        K = k;
        _threshold = threshold;
        _bound = bound;
    }

    /// <summary>Output channels.</summary>
    public int N => _threshold.Length;

    /// <summary>The reduction length the thresholds were computed for (dot ∈ [−K, K]).</summary>
    public int K { get; }

    /// <summary>First integer compare, one per channel.</summary>
    internal ReadOnlySpan<int> Threshold => _threshold;

    /// <summary>Second integer compare, one per channel (−K: never true; K + 1: always true).</summary>
    internal ReadOnlySpan<int> Bound => _bound;

    /// <summary>
    /// Thresholds for sign(alpha[n]·dot + beta[n]). <paramref name="alpha"/> and
    /// <paramref name="beta"/> each hold 1 (shared) or <paramref name="n"/> finite values; for a
    /// W1A1/W2A1 layer alpha is typically the weight scale and beta the bias.
    /// </summary>
    public static SignThresholds Create(ReadOnlySpan<float> alpha, ReadOnlySpan<float> beta, int n, int k) =>
        Create(alpha, beta, n, k, gelu: false);

    /// <summary>
    /// Thresholds for sign(gelu(alpha[n]·dot + beta[n])) with the runtime's and the trainer's
    /// GELU (<see cref="GeluSign.IsNegative"/>): the W1A1 FFN-in product writing FFN-out's packed
    /// input directly, without evaluating GELU.
    /// </summary>
    public static SignThresholds CreateGelu(ReadOnlySpan<float> alpha, ReadOnlySpan<float> beta, int n, int k) =>
        Create(alpha, beta, n, k, gelu: true);

    /// <summary>The output bit of channel <paramref name="n"/> for an integer dot product: true = negative.</summary>
    public bool IsNegative(int n, int dot) => (dot < _threshold[n]) != (dot < _bound[n]);

    /// <summary>The float formula the thresholds reproduce.</summary>
    internal static bool FormulaIsNegative(float alpha, float beta, int dot, bool gelu)
    {
        float y = alpha * dot;
        y += beta;
        return gelu ? GeluSign.IsNegative(y) : y < 0f;
    }

    private static SignThresholds Create(ReadOnlySpan<float> alpha, ReadOnlySpan<float> beta, int n, int k, bool gelu)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ThrowIfBadLength(alpha, n, nameof(alpha));
        ThrowIfBadLength(beta, n, nameof(beta));
        var threshold = new int[n];
        var bound = new int[n];
        for (int i = 0; i < n; i++)
        {
            float a = alpha.Length == 1 ? alpha[0] : alpha[i];
            float b = beta.Length == 1 ? beta[0] : beta[i];
            if (!float.IsFinite(a) || !float.IsFinite(b))
            {
                throw new ArgumentException($"Channel {i} has alpha {a}, beta {b}; both must be finite.", float.IsFinite(a) ? nameof(beta) : nameof(alpha));
            }
            (threshold[i], bound[i]) = Solve(a, b, k, gelu);
        }
        return new SignThresholds(k, threshold, bound);
    }

    /// <summary>
    /// The negative band of dots [lo, hi) as the pair (hi, lo): (dot &lt; hi) XOR (dot &lt; lo)
    /// holds exactly for lo ≤ dot &lt; hi. The band is one run because y is monotone in dot and
    /// the negative set of y is one interval (below 0, and above GELU's underflow for gelu).
    /// </summary>
    private static (int Threshold, int Bound) Solve(float alpha, float beta, int k, bool gelu)
    {
        // Scan direction: y non-decreasing in dot for alpha ≥ 0 (constant for ±0), non-increasing below.
        bool rising = !(alpha < 0f);
        // Where the band starts and ends along increasing dot: the first dot on the band's far
        // side of each end, found by binary search of a monotone predicate over [−K, K + 1].
        int lo, hi;
        if (rising)
        {
            // y rises with dot: dots below the band have y too low (or at GELU's underflow).
            lo = FirstTrue(k, d => !IsBelowBand(alpha, beta, d, gelu));
            hi = FirstTrue(k, d => IsAboveBand(alpha, beta, d, gelu));
        }
        else
        {
            lo = FirstTrue(k, d => !IsAboveBand(alpha, beta, d, gelu));
            hi = FirstTrue(k, d => IsBelowBand(alpha, beta, d, gelu));
        }
        return lo < hi ? (hi, lo) : (lo, lo);
    }

    /// <summary>Packs as +1 above the band: y ≥ 0 (and, for GELU, the non-negative outputs above its underflow).</summary>
    private static bool IsAboveBand(float alpha, float beta, int dot, bool gelu)
    {
        float y = alpha * dot;
        y += beta;
        return gelu ? y > GeluSign.UnderflowCeiling && !GeluSign.IsNegative(y) : !(y < 0f);
    }

    /// <summary>Packs as +1 below the band: only GELU has such values, its underflow y ≤ ceiling.</summary>
    private static bool IsBelowBand(float alpha, float beta, int dot, bool gelu)
    {
        float y = alpha * dot;
        y += beta;
        return gelu && y <= GeluSign.UnderflowCeiling;
    }

    /// <summary>The smallest dot in [−K, K + 1] where the monotone (false…true) predicate holds; K + 1 when none does.</summary>
    private static int FirstTrue(int k, Func<int, bool> predicate)
    {
        int lo = -k, hi = k + 1;
        while (lo < hi)
        {
            int mid = lo + (hi - lo) / 2;
            if (predicate(mid)) hi = mid; else lo = mid + 1;
        }
        return lo;
    }

    private static void ThrowIfBadLength(ReadOnlySpan<float> values, int n, string paramName)
    {
        if (values.Length != 1 && values.Length != n)
        {
            throw new ArgumentException($"Expected 1 (shared) or {n} (per channel) values, got {values.Length}.", paramName);
        }
    }
}
