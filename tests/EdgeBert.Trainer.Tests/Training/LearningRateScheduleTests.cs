using EdgeBert.Trainer.Training;

namespace EdgeBert.Trainer.Tests.Training;

public class LearningRateScheduleTests
{
    [Test]
    public void Schedule_WarmsUpLinearlyThenDecaysToZero()
    {
        var s = new LearningRateSchedule(1f, 4, 10);
        float[] expected = [0.25f, 0.5f, 0.75f, 1f, 1f, 5f / 6, 4f / 6, 3f / 6, 2f / 6, 1f / 6, 0f];
        for (int step = 0; step < expected.Length; step++)
        {
            Assert.That(s.At(step), Is.EqualTo(expected[step]).Within(1e-6f), $"step {step}");
        }
    }

    [Test]
    public void Schedule_WithoutWarmup_StartsAtPeak()
    {
        var s = new LearningRateSchedule(2f, 0, 4);
        Assert.That(new[] { s.At(0), s.At(1), s.At(3) }, Is.EqualTo(new[] { 2f, 1.5f, 0.5f }).Within(1e-6f));
    }

    [Test]
    public void Schedule_InvalidArguments_Throw()
    {
        Assert.That(() => new LearningRateSchedule(1f, 5, 4), Throws.ArgumentException.With.Message.Contains("warm-up"));
        Assert.That(() => new LearningRateSchedule(1f, 0, 0), Throws.ArgumentException.With.Message.Contains("total steps"));
        Assert.That(() => new LearningRateSchedule(-1f, 0, 3), Throws.ArgumentException);
    }
}
