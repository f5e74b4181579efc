using EdgeBert.Runtime;
using EdgeBert.Tooling;

namespace EdgeBert.Core.Tests.Tooling;

public class ConfusionMatrixTests
{
    /// <summary>ham = 0, spam = 1. True spam: 3 found, 1 missed; true ham: 5 right, 2 flagged.</summary>
    private static ConfusionMatrix SpamHam()
    {
        var m = new ConfusionMatrix(2);
        for (int i = 0; i < 3; i++) m.Add(1, 1);
        m.Add(1, 0);
        for (int i = 0; i < 5; i++) m.Add(0, 0);
        for (int i = 0; i < 2; i++) m.Add(0, 1);
        return m;
    }

    [Test]
    public void BinaryScoresMatchHandCountedValues()
    {
        var m = SpamHam();
        Assert.That(m.Total, Is.EqualTo(11));
        Assert.That(m.Accuracy, Is.EqualTo(8.0 / 11).Within(1e-12));
        // spam: TP 3, FP 2, FN 1 -> 6 / 9.  ham: TP 5, FP 1, FN 2 -> 10 / 13.
        Assert.That(m.F1(1), Is.EqualTo(6.0 / 9).Within(1e-12));
        Assert.That(m.F1(0), Is.EqualTo(10.0 / 13).Within(1e-12));
        Assert.That(m.ReportedF1, Is.EqualTo(m.F1(1)), "binary tasks report the positive class");
        Assert.That((m[0, 0], m[0, 1], m[1, 0], m[1, 1]), Is.EqualTo((5L, 2L, 1L, 3L)));
    }

    [Test]
    public void MulticlassReportsTheMacroAverageAndAbsentClassesScoreZero()
    {
        var m = new ConfusionMatrix(3);
        m.Add(0, 0);
        m.Add(0, 1);
        m.Add(1, 1);
        // Class 2 never occurs and is never predicted: F1 0 by definition, pulling the macro average down.
        Assert.That(m.F1(2), Is.EqualTo(0));
        Assert.That(m.F1(0), Is.EqualTo(2.0 / 3).Within(1e-12));
        Assert.That(m.F1(1), Is.EqualTo(2.0 / 3).Within(1e-12));
        Assert.That(m.ReportedF1, Is.EqualTo(4.0 / 9).Within(1e-12));
    }

    [Test]
    public void EmptyMatrixHasZeroAccuracyAndNoClassesIsRejected()
    {
        Assert.That(new ConfusionMatrix(2).Accuracy, Is.EqualTo(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new ConfusionMatrix(0));
    }

    [Test]
    public void OutOfRangeLabelsAreRejected()
    {
        var m = new ConfusionMatrix(2);
        Assert.Throws<ArgumentOutOfRangeException>(() => m.Add(2, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => m.Add(0, -1));
        Assert.That(m.Total, Is.Zero);
    }

    [Test]
    public void MccMatchesTheBinaryFormulaAndIsZeroWhenUndefined()
    {
        // TP 3, FN 1, TN 5, FP 2: MCC = (TP·TN − FP·FN) / sqrt((TP+FP)(TP+FN)(TN+FP)(TN+FN)).
        var m = SpamHam();
        Assert.That(m.Mcc, Is.EqualTo((3.0 * 5 - 2.0 * 1) / Math.Sqrt(5.0 * 4 * 7 * 6)).Within(1e-12));
        var perfect = new ConfusionMatrix(3);
        for (int c = 0; c < 3; c++) perfect.Add(c, c);
        Assert.That(perfect.Mcc, Is.EqualTo(1).Within(1e-12));
        var oneClass = new ConfusionMatrix(2);
        oneClass.Add(0, 0);
        oneClass.Add(0, 0);
        Assert.That(oneClass.Mcc, Is.Zero, "every prediction the same class: undefined, reported as 0");
    }
}
