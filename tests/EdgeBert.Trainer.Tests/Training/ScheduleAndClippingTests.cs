using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Training;

namespace EdgeBert.Trainer.Tests.Training;

public class ScheduleAndClippingTests
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

    [Test]
    public void Clipping_ScalesToTheLimitAndReturnsTheNorm()
    {
        var a = new Tensor([0f, 0f], [2], requiresGrad: true);
        var b = new Tensor([0f], [1], requiresGrad: true);
        var unused = new Tensor([7f], [1], requiresGrad: true);
        a.Backward([3f, 0f]);
        b.Backward([4f]);
        double norm = GradientClipping.ClipGlobalNorm([a, b, unused], 1.0);
        Assert.That(norm, Is.EqualTo(5.0).Within(1e-12));
        Assert.That(a.Grad, Is.EqualTo(new[] { 0.6f, 0f }).Within(1e-6f));
        Assert.That(b.Grad, Is.EqualTo(new[] { 0.8f }).Within(1e-6f));
        Assert.That(unused.Grad, Is.Null);
    }

    [Test]
    public void Clipping_BelowTheLimit_LeavesGradientsAlone()
    {
        var a = new Tensor([0f, 0f], [2], requiresGrad: true);
        a.Backward([0.3f, 0.4f]);
        Assert.That(GradientClipping.ClipGlobalNorm([a], 1.0), Is.EqualTo(0.5).Within(1e-7));
        Assert.That(a.Grad, Is.EqualTo(new[] { 0.3f, 0.4f }));
        Assert.That(() => GradientClipping.ClipGlobalNorm([a], 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
