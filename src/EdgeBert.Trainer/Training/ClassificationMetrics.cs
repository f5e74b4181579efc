namespace EdgeBert.Trainer.Training;

/// <summary>
/// Accuracy, F1 and Matthews correlation of predictions. F1 is the positive class's (label 1) for
/// two classes and the macro average otherwise; MCC is Gorodkin's multi-class form, which is the
/// usual binary MCC for two classes. Undefined ratios (0/0) count as 0, as scikit-learn does.
/// </summary>
/// <param name="Count">Examples scored.</param>
/// <param name="Accuracy">Fraction predicted correctly.</param>
/// <param name="F1">Binary F1 of class 1, or macro F1.</param>
/// <param name="Mcc">Matthews correlation coefficient in [−1, 1].</param>
public sealed record ClassificationMetrics(int Count, double Accuracy, double F1, double Mcc)
{
    /// <summary>The metric called <paramref name="name"/>: accuracy, f1 or mcc.</summary>
    /// <exception cref="ArgumentException">Unknown metric name.</exception>
    public double Get(string name) => name switch
    {
        "accuracy" => Accuracy,
        "f1" => F1,
        "mcc" => Mcc,
        _ => throw new ArgumentException($"Unknown metric '{name}'; use accuracy, f1 or mcc."),
    };

    /// <summary>Scores <paramref name="predicted"/> against <paramref name="gold"/> over <paramref name="classes"/> classes.</summary>
    /// <exception cref="ArgumentException">Lengths differ, there are no examples, fewer than 2 classes, or a label is out of range.</exception>
    public static ClassificationMetrics Compute(ReadOnlySpan<int> predicted, ReadOnlySpan<int> gold, int classes)
    {
        if (predicted.Length != gold.Length) throw new ArgumentException($"Metrics: {predicted.Length} predictions for {gold.Length} labels.");
        if (gold.Length == 0) throw new ArgumentException("Metrics: no examples.");
        if (classes < 2) throw new ArgumentException($"Metrics: need at least 2 classes, got {classes}.");
        var confusion = new long[classes, classes];
        for (int i = 0; i < gold.Length; i++)
        {
            if ((uint)gold[i] >= (uint)classes || (uint)predicted[i] >= (uint)classes)
            {
                throw new ArgumentException($"Metrics: example {i} has label {gold[i]} / prediction {predicted[i]} outside [0, {classes}).");
            }

            confusion[gold[i], predicted[i]]++;
        }

        long n = gold.Length, correct = 0;
        var rowSum = new long[classes];
        var colSum = new long[classes];
        for (int t = 0; t < classes; t++)
        {
            correct += confusion[t, t];
            for (int p = 0; p < classes; p++)
            {
                rowSum[t] += confusion[t, p];
                colSum[p] += confusion[t, p];
            }
        }

        double F1Of(int c)
        {
            double tp = confusion[c, c], fp = colSum[c] - tp, fn = rowSum[c] - tp;
            return tp == 0 ? 0 : 2 * tp / (2 * tp + fp + fn);
        }

        double f1 = classes == 2 ? F1Of(1) : Enumerable.Range(0, classes).Average(F1Of);
        double covariance = (double)correct * n, predictedSquares = 0, goldSquares = 0;
        for (int c = 0; c < classes; c++)
        {
            covariance -= (double)colSum[c] * rowSum[c];
            predictedSquares += (double)colSum[c] * colSum[c];
            goldSquares += (double)rowSum[c] * rowSum[c];
        }

        double denominator = Math.Sqrt(((double)n * n - predictedSquares) * ((double)n * n - goldSquares));
        double mcc = denominator == 0 ? 0 : covariance / denominator;
        return new ClassificationMetrics((int)n, (double)correct / n, f1, mcc);
    }
}
