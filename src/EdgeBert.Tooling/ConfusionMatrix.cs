namespace EdgeBert.Tooling;

/// <summary>
/// Counts of (true label, predicted label) over <see cref="Labels"/> classes, and the scores
/// derived from them, shared by <c>edgebert eval</c> and the trainer's evaluation so both report
/// the same numbers: accuracy; per-class F1 and the F1 both report (GLUE's: class 1's for two
/// classes, e.g. spam or positive; the macro average otherwise); Matthews correlation
/// (Gorodkin's multi-class form, the usual binary MCC for two classes). Undefined ratios (0/0)
/// count as 0, as scikit-learn does.
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly long[,] _counts;

    /// <summary>An empty matrix over <paramref name="labels"/> classes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than one class.</exception>
    public ConfusionMatrix(int labels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(labels, 1);
        Labels = labels;
        _counts = new long[labels, labels];
    }

    /// <summary>Number of classes.</summary>
    public int Labels { get; }

    /// <summary>Number of examples added.</summary>
    public long Total { get; private set; }

    /// <summary>Examples of class <paramref name="actual"/> predicted as <paramref name="predicted"/>.</summary>
    public long this[int actual, int predicted] => _counts[actual, predicted];

    /// <summary>Counts one example.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A label outside [0, <see cref="Labels"/>).</exception>
    public void Add(int actual, int predicted)
    {
        if ((uint)actual >= (uint)Labels) throw new ArgumentOutOfRangeException(nameof(actual), actual, $"labels are 0 to {Labels - 1}");
        if ((uint)predicted >= (uint)Labels) throw new ArgumentOutOfRangeException(nameof(predicted), predicted, $"labels are 0 to {Labels - 1}");
        _counts[actual, predicted]++;
        Total++;
    }

    /// <summary>Fraction predicted correctly (0 when empty).</summary>
    public double Accuracy
    {
        get
        {
            long correct = 0;
            for (int i = 0; i < Labels; i++) correct += _counts[i, i];
            return Total == 0 ? 0 : (double)correct / Total;
        }
    }

    /// <summary>F1 of class <paramref name="label"/>: 2TP / (2TP + FP + FN); 0 when TP is 0.</summary>
    public double F1(int label)
    {
        long tp = _counts[label, label], fp = 0, fn = 0;
        for (int i = 0; i < Labels; i++)
        {
            if (i == label) continue;
            fp += _counts[i, label];
            fn += _counts[label, i];
        }
        return tp == 0 ? 0 : 2.0 * tp / (2 * tp + fp + fn);
    }

    /// <summary>The unweighted mean of every class's F1.</summary>
    public double MacroF1 => Enumerable.Range(0, Labels).Average(F1);

    /// <summary>The F1 both evaluations report: class 1's for a binary task, else the macro F1.</summary>
    public double ReportedF1 => Labels == 2 ? F1(1) : MacroF1;

    /// <summary>Matthews correlation coefficient in [−1, 1]; 0 when undefined (e.g. one class only).</summary>
    public double Mcc
    {
        get
        {
            long n = Total, correct = 0;
            var rowSum = new long[Labels];
            var colSum = new long[Labels];
            for (int t = 0; t < Labels; t++)
            {
                correct += _counts[t, t];
                for (int p = 0; p < Labels; p++)
                {
                    rowSum[t] += _counts[t, p];
                    colSum[p] += _counts[t, p];
                }
            }
            double covariance = (double)correct * n, predictedSquares = 0, goldSquares = 0;
            for (int c = 0; c < Labels; c++)
            {
                covariance -= (double)colSum[c] * rowSum[c];
                predictedSquares += (double)colSum[c] * colSum[c];
                goldSquares += (double)rowSum[c] * rowSum[c];
            }
            double denominator = Math.Sqrt(((double)n * n - predictedSquares) * ((double)n * n - goldSquares));
            return denominator == 0 ? 0 : covariance / denominator;
        }
    }
}
