using EdgeBert.Cli.Eval;

namespace EdgeBert.Cli.Tests.Eval;

public class ConfusionMatrixTests
{
    [Test]
    public void BinaryScoresMatchHandCountedValues()
    {
        // ham = 0, spam = 1. True spam: 3 found, 1 missed; true ham: 5 right, 2 flagged.
        var m = new ConfusionMatrix(2);
        for (int i = 0; i < 3; i++) m.Add(1, 1);
        m.Add(1, 0);
        for (int i = 0; i < 5; i++) m.Add(0, 0);
        for (int i = 0; i < 2; i++) m.Add(0, 1);
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
}
