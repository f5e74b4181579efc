using EdgeBert.Trainer.Training;

namespace EdgeBert.Trainer.Tests.Training;

public class ClassificationMetricsTests
{
    [Test]
    public void Binary_MatchesHandComputedConfusion()
    {
        // TP 3, FN 1, FP 1, TN 3: accuracy 6/8, F1 = 6/(6+1+1), MCC = (9 − 1)/√(4·4·4·4) = 0.5.
        int[] gold = [1, 1, 1, 0, 0, 0, 0, 1];
        int[] pred = [1, 0, 1, 0, 0, 1, 0, 1];
        var m = ClassificationMetrics.Compute(pred, gold, 2);
        Assert.That(m.Count, Is.EqualTo(8));
        Assert.That(m.Accuracy, Is.EqualTo(0.75).Within(1e-12));
        Assert.That(m.F1, Is.EqualTo(0.75).Within(1e-12));
        Assert.That(m.Mcc, Is.EqualTo(0.5).Within(1e-12));
    }

    [Test]
    public void Binary_AsymmetricCase()
    {
        // TP 2, FN 0, FP 2, TN 1: F1 = 4/6, MCC = (2·1 − 2·0)/√(4·2·3·1) = 2/√24.
        var m = ClassificationMetrics.Compute([1, 1, 1, 1, 0], [1, 1, 0, 0, 0], 2);
        Assert.That(m.Accuracy, Is.EqualTo(0.6).Within(1e-12));
        Assert.That(m.F1, Is.EqualTo(4.0 / 6).Within(1e-12));
        Assert.That(m.Mcc, Is.EqualTo(2 / Math.Sqrt(24)).Within(1e-12));
    }

    [Test]
    public void MultiClass_MacroF1AndGorodkinMcc()
    {
        // Per class F1: 1, 2/3, 4/5. MCC: c = 5, s = 6, t = (2,2,2), p = (2,1,3): (30 − 12)/√((36 − 14)(36 − 12)).
        var m = ClassificationMetrics.Compute([0, 0, 1, 2, 2, 2], [0, 0, 1, 1, 2, 2], 3);
        Assert.That(m.Accuracy, Is.EqualTo(5.0 / 6).Within(1e-12));
        Assert.That(m.F1, Is.EqualTo((1 + 2.0 / 3 + 0.8) / 3).Within(1e-12));
        Assert.That(m.Mcc, Is.EqualTo(18 / Math.Sqrt(22 * 24)).Within(1e-12));
    }

    [Test]
    public void DegenerateCases_AreZeroNotNaN()
    {
        var allNegative = ClassificationMetrics.Compute([0, 0, 0], [0, 0, 0], 2);
        Assert.That((allNegative.Accuracy, allNegative.F1, allNegative.Mcc), Is.EqualTo((1.0, 0.0, 0.0)));
    }

    [Test]
    public void BadInput_Throws()
    {
        Assert.That(() => ClassificationMetrics.Compute([0], [0, 1], 2), Throws.ArgumentException.With.Message.Contains("1 predictions for 2 labels"));
        Assert.That(() => ClassificationMetrics.Compute([], [], 2), Throws.ArgumentException.With.Message.Contains("no examples"));
        Assert.That(() => ClassificationMetrics.Compute([2], [0], 2), Throws.ArgumentException.With.Message.Contains("outside [0, 2)"));
        Assert.That(() => new ClassificationMetrics(1, 1, 1, 1).Get("auc"), Throws.ArgumentException.With.Message.Contains("auc"));
    }
}
