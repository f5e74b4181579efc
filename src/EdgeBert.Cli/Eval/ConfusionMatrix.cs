namespace EdgeBert.Cli.Eval;

/// <summary>
/// Counts of (true label, predicted label) over <see cref="Labels"/> classes, and the scores
/// derived from them: accuracy, per-class F1, and the F1 <c>eval</c> reports (GLUE's: the F1 of
/// class 1 for two classes, e.g. spam or positive; the macro average otherwise).
/// </summary>
internal sealed class ConfusionMatrix
{
    private readonly long[,] _counts;

    internal ConfusionMatrix(int labels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(labels, 1);
        Labels = labels;
        _counts = new long[labels, labels];
    }

    /// <summary>Number of classes.</summary>
    internal int Labels { get; }

    /// <summary>Number of examples added.</summary>
    internal long Total { get; private set; }

    /// <summary>Examples of class <paramref name="actual"/> predicted as <paramref name="predicted"/>.</summary>
    internal long this[int actual, int predicted] => _counts[actual, predicted];

    internal void Add(int actual, int predicted)
    {
        _counts[actual, predicted]++;
        Total++;
    }

    /// <summary>Fraction predicted correctly (0 when empty).</summary>
    internal double Accuracy
    {
        get
        {
            long correct = 0;
            for (int i = 0; i < Labels; i++) correct += _counts[i, i];
            return Total == 0 ? 0 : (double)correct / Total;
        }
    }

    /// <summary>F1 of class <paramref name="label"/>: 2TP / (2TP + FP + FN), 0 when the class never occurs nor is predicted.</summary>
    internal double F1(int label)
    {
        long tp = _counts[label, label], fp = 0, fn = 0;
        for (int i = 0; i < Labels; i++)
        {
            if (i == label) continue;
            fp += _counts[i, label];
            fn += _counts[label, i];
        }
        return tp + fp + fn == 0 ? 0 : 2.0 * tp / (2 * tp + fp + fn);
    }

    /// <summary>The unweighted mean of every class's F1.</summary>
    internal double MacroF1 => Enumerable.Range(0, Labels).Average(F1);

    /// <summary>The F1 <c>eval</c> prints: class 1's for a binary task, else the macro F1.</summary>
    internal double ReportedF1 => Labels == 2 ? F1(1) : MacroF1;
}
