using EdgeBert.Runtime;
using EdgeBert.Tooling;

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
        // Core's matrix: edgebert eval reports the same numbers from the same arithmetic.
        var confusion = new ConfusionMatrix(classes);
        for (int i = 0; i < gold.Length; i++)
        {
            if ((uint)gold[i] >= (uint)classes || (uint)predicted[i] >= (uint)classes)
            {
                throw new ArgumentException($"Metrics: example {i} has label {gold[i]} / prediction {predicted[i]} outside [0, {classes}).");
            }

            confusion.Add(gold[i], predicted[i]);
        }

        return new ClassificationMetrics(gold.Length, confusion.Accuracy, confusion.ReportedF1, confusion.Mcc);
    }
}
