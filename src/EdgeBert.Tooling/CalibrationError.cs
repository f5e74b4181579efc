namespace EdgeBert.Tooling;

/// <summary>
/// Expected calibration error (Guo et al., 2017): predictions are put in equal-width bins of their
/// confidence (the probability of the predicted label); ECE = Σ_b (n_b / n) · |accuracy_b − mean confidence_b|.
/// 0 means that among predictions made with confidence p, a fraction p is right.
/// </summary>
public static class CalibrationError
{
    /// <summary>The number of bins <c>edgebert eval</c> reports with.</summary>
    public const int DefaultBins = 15;

    /// <summary>ECE over <paramref name="confidences"/> (each in [0, 1]) and whether each prediction was right.</summary>
    public static double Expected(IReadOnlyList<double> confidences, IReadOnlyList<bool> correct, int bins = DefaultBins)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        if (confidences.Count != correct.Count) throw new ArgumentException($"{confidences.Count} confidences for {correct.Count} outcomes.", nameof(correct));
        if (confidences.Count == 0) return 0;
        var count = new int[bins];
        var right = new int[bins];
        var sum = new double[bins];
        for (int i = 0; i < confidences.Count; i++)
        {
            double p = confidences[i];
            // Bins are (lo, hi]: a confidence of exactly 1 lands in the last one, 0 in the first.
            int b = Math.Clamp((int)Math.Ceiling(p * bins) - 1, 0, bins - 1);
            count[b]++;
            sum[b] += p;
            if (correct[i]) right[b]++;
        }
        double ece = 0;
        for (int b = 0; b < bins; b++)
        {
            if (count[b] > 0) ece += Math.Abs(right[b] - sum[b]) / confidences.Count;
        }
        return ece;
    }
}
