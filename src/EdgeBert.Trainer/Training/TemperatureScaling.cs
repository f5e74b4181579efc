namespace EdgeBert.Trainer.Training;

/// <summary>
/// Temperature scaling (Guo et al., 2017): one T &gt; 0 for all logits, chosen to minimise the
/// negative log-likelihood of the true labels under softmax(logits / T) on held-out data. The
/// NLL is convex in 1/T, so a golden-section search over log T finds its minimum; T never changes
/// which label wins.
/// </summary>
public static class TemperatureScaling
{
    /// <summary>The search range of T, as the metadata validator accepts it.</summary>
    public const double MinTemperature = 0.05, MaxTemperature = 20;

    /// <summary>Mean negative log-likelihood of <paramref name="labels"/> under softmax(logits / T).</summary>
    public static double NegativeLogLikelihood(IReadOnlyList<float[]> logits, IReadOnlyList<int> labels, double temperature)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        if (logits.Count != labels.Count) throw new ArgumentException($"{logits.Count} logit rows for {labels.Count} labels.", nameof(labels));
        if (logits.Count == 0) throw new ArgumentException("No examples to calibrate on.", nameof(logits));
        double total = 0;
        for (int i = 0; i < logits.Count; i++)
        {
            float[] z = logits[i];
            double max = double.NegativeInfinity;
            foreach (float v in z) max = Math.Max(max, v / temperature);
            double sum = 0;
            foreach (float v in z) sum += Math.Exp(v / temperature - max);
            total += max + Math.Log(sum) - z[labels[i]] / temperature;
        }
        return total / logits.Count;
    }

    /// <summary>The T in [<see cref="MinTemperature"/>, <see cref="MaxTemperature"/>] of least NLL (to 1e-6 relative).</summary>
    public static double Fit(IReadOnlyList<float[]> logits, IReadOnlyList<int> labels)
    {
        double Loss(double logT) => NegativeLogLikelihood(logits, labels, Math.Exp(logT));
        double a = Math.Log(MinTemperature), b = Math.Log(MaxTemperature);
        double ratio = (Math.Sqrt(5) - 1) / 2;
        double c = b - ratio * (b - a), d = a + ratio * (b - a);
        double fc = Loss(c), fd = Loss(d);
        while (b - a > 1e-6)
        {
            if (fc <= fd)
            {
                (b, d, fd) = (d, c, fc);
                c = b - ratio * (b - a);
                fc = Loss(c);
            }
            else
            {
                (a, c, fc) = (c, d, fd);
                d = a + ratio * (b - a);
                fd = Loss(d);
            }
        }
        return Math.Exp((a + b) / 2);
    }
}
