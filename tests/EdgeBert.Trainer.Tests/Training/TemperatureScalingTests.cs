using EdgeBert.Trainer.Training;

namespace EdgeBert.Trainer.Tests.Training;

public class TemperatureScalingTests
{
    /// <summary>Two-label logits of margin ±m: right with probability <paramref name="accuracy"/>, the margin always m.</summary>
    private static (List<float[]> Logits, List<int> Labels) Overconfident(double accuracy, float margin, int count)
    {
        var logits = new List<float[]>();
        var labels = new List<int>();
        int right = (int)Math.Round(accuracy * count);
        for (int i = 0; i < count; i++)
        {
            logits.Add([0f, margin]);
            labels.Add(i < right ? 1 : 0);
        }
        return (logits, labels);
    }

    [Test]
    public void The_fitted_temperature_makes_the_confidence_equal_the_accuracy()
    {
        // Always predicting label 1 at margin 6 (p = 0.9975) while right 80% of the time: the NLL is least at
        // sigmoid(6 / T) = 0.8, T = 6 / ln 4.
        var (logits, labels) = Overconfident(0.8, 6f, 1000);
        double t = TemperatureScaling.Fit(logits, labels);
        Assert.That(t, Is.EqualTo(6 / Math.Log(4)).Within(1e-4));
        Assert.That(TemperatureScaling.NegativeLogLikelihood(logits, labels, t), Is.LessThan(TemperatureScaling.NegativeLogLikelihood(logits, labels, 1)));
    }

    [Test]
    public void Underconfident_logits_get_a_temperature_below_one()
    {
        var (logits, labels) = Overconfident(0.99, 0.5f, 1000);
        Assert.That(TemperatureScaling.Fit(logits, labels), Is.EqualTo(0.5 / Math.Log(99)).Within(1e-4).And.LessThan(1));
    }

    [Test]
    public void Nll_at_temperature_one_is_the_cross_entropy()
    {
        List<float[]> logits = [[1f, 2f, 0f], [0f, 0f, 3f]];
        List<int> labels = [0, 2];
        double expected = (-Math.Log(Math.Exp(1) / (Math.Exp(1) + Math.Exp(2) + 1)) - Math.Log(Math.Exp(3) / (2 + Math.Exp(3)))) / 2;
        Assert.That(TemperatureScaling.NegativeLogLikelihood(logits, labels, 1), Is.EqualTo(expected).Within(1e-12));
        Assert.Throws<ArgumentException>(() => TemperatureScaling.Fit([], []));
    }
}
