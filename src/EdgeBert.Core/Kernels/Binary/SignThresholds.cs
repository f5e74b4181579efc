namespace EdgeBert.Kernels.Binary;

/// <summary>
/// Per-output-channel integer thresholds that fuse the next layer's sign() into a popcount
/// GEMM (KERNELS.md lesson 6). The packed output bit of channel n is 1 (negative) exactly when
/// the float formula <c>alpha[n] * dot + beta[n] &lt; 0</c> (float32, multiply then add) holds
/// for the integer dot product. Because that formula is monotone in dot, it is one integer
/// comparison and a flip: bit = (dot &lt; Threshold[n]) XOR Flip[n]. The thresholds are found by
/// evaluating the float formula itself (binary search over dot in [−K, K]), so equality edge
/// cases (alpha·dot + beta == 0 gives +1) agree with the formula bit for bit.
/// Immutable after creation; compute once per layer at load.
/// </summary>
public sealed class SignThresholds
{
    private readonly int[] _threshold;
    private readonly bool[] _flip;
    private readonly int[] _flipMask;

    private SignThresholds(int k, int[] threshold, bool[] flip)
    {
        K = k;
        _threshold = threshold;
        _flip = flip;
        _flipMask = Array.ConvertAll(flip, f => f ? -1 : 0);
    }

    /// <summary>Output channels.</summary>
    public int N => _threshold.Length;

    /// <summary>The reduction length the thresholds were computed for (dot ∈ [−K, K]).</summary>
    public int K { get; }

    /// <summary>Integer thresholds, one per channel.</summary>
    internal ReadOnlySpan<int> Threshold => _threshold;

    /// <summary>Flip flags, one per channel (alpha &lt; 0, or alpha = 0 with beta ≥ 0).</summary>
    internal ReadOnlySpan<bool> Flip => _flip;

    /// <summary>The flip flags as lane masks (−1 or 0) for the vectorised epilogue.</summary>
    internal ReadOnlySpan<int> FlipMask => _flipMask;

    /// <summary>
    /// Thresholds for sign(alpha[n]·dot + beta[n]). <paramref name="alpha"/> and
    /// <paramref name="beta"/> each hold 1 (shared) or <paramref name="n"/> finite values; for a
    /// W1A1/W2A1 layer alpha is typically the weight scale and beta the bias.
    /// </summary>
    public static SignThresholds Create(ReadOnlySpan<float> alpha, ReadOnlySpan<float> beta, int n, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ThrowIfBadLength(alpha, n, nameof(alpha));
        ThrowIfBadLength(beta, n, nameof(beta));
        var threshold = new int[n];
        var flip = new bool[n];
        for (int i = 0; i < n; i++)
        {
            float a = alpha.Length == 1 ? alpha[0] : alpha[i];
            float b = beta.Length == 1 ? beta[0] : beta[i];
            if (!float.IsFinite(a) || !float.IsFinite(b))
            {
                throw new ArgumentException($"Channel {i} has alpha {a}, beta {b}; both must be finite.", float.IsFinite(a) ? nameof(beta) : nameof(alpha));
            }
            (threshold[i], flip[i]) = Solve(a, b, k);
        }
        return new SignThresholds(k, threshold, flip);
    }

    /// <summary>The output bit of channel <paramref name="n"/> for an integer dot product: true = negative.</summary>
    public bool IsNegative(int n, int dot) => (dot < _threshold[n]) != _flip[n];

    /// <summary>The float formula the thresholds reproduce.</summary>
    internal static bool FormulaIsNegative(float alpha, float beta, int dot)
    {
        float y = alpha * dot;
        return y + beta < 0f;
    }

    private static (int Threshold, bool Flip) Solve(float alpha, float beta, int k)
    {
        if (alpha == 0f)
        {
            // dot < K + 1 always holds; the flip alone decides.
            return (k + 1, !(beta < 0f));
        }
        if (alpha > 0f)
        {
            // Negative exactly for dot below the smallest dot whose value is ≥ 0.
            int lo = -k, hi = k + 1; // answer in [lo, hi]; hi means "never ≥ 0"
            while (lo < hi)
            {
                int mid = lo + (hi - lo) / 2;
                if (!FormulaIsNegative(alpha, beta, mid)) hi = mid; else lo = mid + 1;
            }
            return (lo, false);
        }
        else
        {
            // alpha < 0: negative exactly above the largest dot whose value is ≥ 0, i.e.
            // not (dot < largest + 1).
            int lo = -k - 1, hi = k; // answer in [lo, hi]; lo means "never ≥ 0"
            while (lo < hi)
            {
                int mid = hi - (hi - lo) / 2;
                if (!FormulaIsNegative(alpha, beta, mid)) lo = mid; else hi = mid - 1;
            }
            return (lo + 1, true);
        }
    }

    private static void ThrowIfBadLength(ReadOnlySpan<float> values, int n, string paramName)
    {
        if (values.Length != 1 && values.Length != n)
        {
            throw new ArgumentException($"Expected 1 (shared) or {n} (per channel) values, got {values.Length}.", paramName);
        }
    }
}
