namespace EdgeBert.Trainer.Quantization;

/// <summary>
/// Loss-aware ternarization, LAT/LAQ (METHODS.md §1.2, §6.2): starting from b = sign(w), alternate
/// α = Σ|d·w·b| / Σ|d·b| and b = I_{α/2}(w) (sign(w) where |w| &gt; α/2, else 0), with d the
/// diagonal curvature √v̂ + ε from Adam's second moment (or 1). Identity STE backward
/// (<c>TorchTernaryWeight.ApplyLossAware</c>; this class holds the host alternation).
/// Not a runtime format of its own: the result is α·{−1, 0, +1}, exported like TWN.
/// </summary>
public static class LossAwareTernaryWeight
{
    /// <summary>The alternation count of BinaryBERT's `laq` quantizer.</summary>
    public const int DefaultIterations = 10;

    /// <summary>
    /// The LAT curvature d = √v̂ + ε from Adam's raw second moment <paramref name="v"/> after
    /// <paramref name="step"/> updates (v̂ = v / (1 − β₂^step), as AdamW's own denominator).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">step &lt; 1, β₂ outside (0, 1) or ε ≤ 0.</exception>
    public static float[] CurvatureFromAdam(ReadOnlySpan<float> v, long step, float beta2 = 0.999f, float epsilon = 1e-6f)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        if (!(beta2 > 0f && beta2 < 1f)) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "β₂ must be in (0, 1).");
        if (!(epsilon > 0f)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be positive.");
        float correction = (float)(1 - Math.Pow(beta2, step));
        var d = new float[v.Length];
        for (int i = 0; i < d.Length; i++) d[i] = MathF.Sqrt(Math.Max(v[i], 0f) / correction) + epsilon;
        return d;
    }

    /// <summary>
    /// The alternation itself: from b = sign(w), each iteration sets α = Σ|d·w·b| / Σ|d·b| and then
    /// b = I_{α/2}(w). Writes b into <paramref name="b"/> and returns α (d empty means d ≡ 1).
    /// </summary>
    public static float Ternarize(ReadOnlySpan<float> w, ReadOnlySpan<float> d, Span<sbyte> b, int iterations)
    {
        for (int i = 0; i < w.Length; i++) b[i] = w[i] < 0f ? (sbyte)-1 : (sbyte)1;
        float alpha = 0f;
        for (int it = 0; it < iterations; it++)
        {
            double num = 0, den = 0;
            for (int i = 0; i < w.Length; i++)
            {
                float di = d.IsEmpty ? 1f : d[i];
                num += Math.Abs(di * w[i] * b[i]);
                den += Math.Abs(di * b[i]);
            }
            alpha = den == 0 ? 0f : (float)(num / den);
            float half = alpha / 2f;
            for (int i = 0; i < w.Length; i++) b[i] = MathF.Abs(w[i]) > half ? (w[i] < 0f ? (sbyte)-1 : (sbyte)1) : (sbyte)0;
        }
        return alpha;
    }
}
