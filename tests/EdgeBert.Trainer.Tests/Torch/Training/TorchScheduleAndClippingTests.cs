using EdgeBert.Trainer.Torch.Training;
using EdgeBert.Trainer.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Tests.Torch.Training;

/// <summary>The loop's learning rates follow BERT's warm-up/decay formula; clipping is LibTorch's global-norm clipping.</summary>
[TestFixture]
[Category("Torch")]
public sealed class TorchScheduleAndClippingTests
{
    private sealed class Recorder : ITrainingObserver
    {
        public List<StepReport> Steps { get; } = [];

        public void OnStep(StepReport report) => Steps.Add(report);

        public void OnEvaluation(long step, EvalResult result, bool isBest)
        {
        }
    }

    [Test]
    public void TheLoopUsesLinearWarmUpThenLinearDecay()
    {
        (var model, var task) = TorchTiny.Setup(seed: 2, dropout: 0f);
        using (model)
        {
            // 8 examples in batches of 4: 2 updates per epoch, 3 epochs = 6 updates; warm-up ⅓ = 2 updates.
            var options = new TrainingOptions { Epochs = 3, LearningRate = 0.004f, WarmupFraction = 1.0 / 3, Seed = 2 };
            var recorder = new Recorder();
            var loop = new TorchTrainingLoop(model, Tests.Training.Tiny.Vocabulary.Tokens, task, options);
            loop.Run(recorder);
            Assert.That(loop.WarmupSteps, Is.EqualTo(2));
            // Update s: peak·(s+1)/2 for s < 2, then peak·(6 − s)/4.
            float[] expected = [0.002f, 0.004f, 0.004f, 0.003f, 0.002f, 0.001f];
            Assert.That(recorder.Steps.Select(s => s.LearningRate), Is.EqualTo(expected).Within(1e-9));
            Assert.That(recorder.Steps.Select(s => s.GradNorm), Has.All.GreaterThan(0), "clipping reports the norm");
        }
    }

    [Test]
    public void ClippingScalesTheGlobalNormDownToTheLimit_AndLeavesSmallerOnesAlone()
    {
        using var scope = NewDisposeScope();
        Parameter a = new(zeros(2), requires_grad: true), b = new(zeros(1), requires_grad: true), none = new(zeros(1), requires_grad: true);
        a.grad = tensor(new[] { 3f, 0f });
        b.grad = tensor(new[] { 4f });
        double norm = TorchGradientClipping.ClipGlobalNorm([("a", a), ("b", b), ("none", none)], 1.0);
        Assert.That(norm, Is.EqualTo(5.0).Within(1e-6));
        float scale = (float)(1.0 / (5.0 + 1e-6));
        Assert.That(a.grad!.data<float>().ToArray(), Is.EqualTo(new[] { 3f * scale, 0f }).Within(1e-6));
        Assert.That(b.grad!.data<float>().ToArray(), Is.EqualTo(new[] { 4f * scale }).Within(1e-6));
        Assert.That(none.grad, Is.Null);

        double again = TorchGradientClipping.ClipGlobalNorm([("a", a), ("b", b)], 10.0);
        Assert.That(again, Is.EqualTo(1.0).Within(1e-5));
        Assert.That(b.grad!.data<float>().ToArray(), Is.EqualTo(new[] { 4f * scale }).Within(1e-6), "below the limit: unchanged");
        Assert.That(() => TorchGradientClipping.ClipGlobalNorm([("a", a)], 0), Throws.TypeOf<ArgumentOutOfRangeException>());
    }
}
