using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Tests.Data;
using EdgeBert.Trainer.Tests.Training;
using EdgeBert.Trainer.Torch;
using EdgeBert.Trainer.Torch.Training;
using EdgeBert.Trainer.Training;

namespace EdgeBert.Trainer.Tests.Torch.Training;

/// <summary>
/// <see cref="TorchTrainingLoop"/> on the tiny task: it learns; the same seed gives the same
/// losses; a run stopped (by <c>--stop-after</c> or by cancellation, as SIGTERM does) and resumed
/// equals the uninterrupted run bit for bit, with dropout on and the stop mid-epoch.
/// </summary>
[TestFixture]
[Category("Torch")]
public sealed class TorchTrainingLoopTests
{
    private static readonly IReadOnlyList<string> s_vocabulary = Tiny.Vocabulary.Tokens;

    [Test]
    public void TinyFinetune_LossFalls_AndEveryExampleIsRight()
    {
        (TorchBertModel model, TorchClassificationTask task) = TorchTiny.Setup(seed: 1, dropout: 0f);
        using (model)
        {
            var options = new TrainingOptions { Epochs = 60, LearningRate = 1e-2f, WarmupFraction = 0.05, Seed = 1, AdamW = new AdamWOptions { WeightDecay = 0f } };
            TrainingResult result = new TorchTrainingLoop(model, s_vocabulary, task, options).Run();
            Assert.That(result.Steps, Is.EqualTo(120));
            Assert.That(result.Losses.TakeLast(4).Average(), Is.LessThan(result.Losses.Take(4).Average() * 0.1), "loss falls (seed 1)");
            Assert.That(task.Evaluate(model).Values["accuracy"], Is.EqualTo(1.0), "all 8 examples right (seed 1)");
            Assert.That(result.Best!.Values["accuracy"], Is.EqualTo(1.0));
        }
    }

    [Test]
    public void SameSeed_SameLossCurve_DifferentSeed_Differs()
    {
        var options = new TrainingOptions { Epochs = 2, LearningRate = 1e-3f, Seed = 5 };
        IReadOnlyList<float> Run(long seed)
        {
            (TorchBertModel model, TorchClassificationTask task) = TorchTiny.Setup(seed, dropout: 0.1f);
            using (model) return new TorchTrainingLoop(model, s_vocabulary, task, options with { Seed = seed }).Run().Losses;
        }

        IReadOnlyList<float> a = Run(5), b = Run(5), c = Run(6);
        Assert.That(b, Is.EqualTo(a), "seed 5");
        Assert.That(c, Is.Not.EqualTo(a));
    }

    [Test]
    public void StoppedAndResumed_EqualsStraightRun_BitForBit()
    {
        using var dir = new TempDirectory();
        // Batch 3 over 8 examples: the stop (update 4) falls mid-epoch; dropout exercises the saved generator.
        var options = new TrainingOptions { Epochs = 3, LearningRate = 1e-3f, Seed = 3, EvalEvery = 2 };
        (TorchBertModel straight, TorchClassificationTask t0) = TorchTiny.Setup(3, 0.1f, batchSize: 3);
        TrainingResult full = new TorchTrainingLoop(straight, s_vocabulary, t0, options with { OutputDirectory = Path.Combine(dir.Path, "a") }).Run();

        string run = Path.Combine(dir.Path, "b");
        (TorchBertModel first, TorchClassificationTask t1) = TorchTiny.Setup(3, 0.1f, batchSize: 3);
        TrainingResult half = new TorchTrainingLoop(first, s_vocabulary, t1, options with { OutputDirectory = run, StopAfterSteps = 4 }).Run();
        Assert.That(half.Interrupted, Is.True);
        Assert.That(TorchCheckpoint.Exists(Path.Combine(run, "last")));

        // Another initialisation and generator state: weights, moments and generator must come from the checkpoint.
        (TorchBertModel resumed, TorchClassificationTask t2) = TorchTiny.Setup(3, 0.1f, batchSize: 3, initSeed: 99);
        TrainingResult rest = new TorchTrainingLoop(resumed, s_vocabulary, t2, options with { OutputDirectory = run, Resume = true }).Run();

        Assert.That(full.Steps, Is.EqualTo(9));
        Assert.That(half.Losses.Concat(rest.Losses), Is.EqualTo(full.Losses), "loss curve (seed 3, batch 3, stop at 4)");
        Assert.That(TorchTiny.Weights(resumed), Is.EqualTo(TorchTiny.Weights(straight)));
        Assert.That(rest.BestStep, Is.EqualTo(full.BestStep));
        Assert.That(File.ReadLines(Path.Combine(run, "metrics.jsonl")).Count(l => l.Contains("\"event\":\"step\"")), Is.EqualTo(9));
        foreach (TorchBertModel m in new[] { straight, first, resumed }) m.Dispose();
    }

    private sealed class CancelAt(long step, CancellationTokenSource source) : ITrainingObserver
    {
        public void OnStep(StepReport report)
        {
            if (report.Step == step) source.Cancel(); // what SIGTERM/SIGINT do in the commands
        }

        public void OnEvaluation(long s, EvalResult result, bool isBest)
        {
        }
    }

    [Test]
    public void Cancelled_LeavesALoadableCheckpoint_ThatResumesToTheStraightRun()
    {
        using var dir = new TempDirectory();
        var options = new TrainingOptions { Epochs = 2, LearningRate = 1e-3f, Seed = 4, EvalEvery = 0 };
        (TorchBertModel straight, TorchClassificationTask t0) = TorchTiny.Setup(4, 0.1f, batchSize: 3);
        TrainingResult full = new TorchTrainingLoop(straight, s_vocabulary, t0, options).Run();

        string run = Path.Combine(dir.Path, "run");
        using var stop = new CancellationTokenSource();
        (TorchBertModel first, TorchClassificationTask t1) = TorchTiny.Setup(4, 0.1f, batchSize: 3);
        TrainingResult half = new TorchTrainingLoop(first, s_vocabulary, t1, options with { OutputDirectory = run }).Run(new CancelAt(2, stop), stop.Token);
        Assert.That(half.Interrupted, Is.True);
        Assert.That(half.Steps, Is.EqualTo(2));

        string last = Path.Combine(run, "last");
        using (TorchBertModel loaded = TorchBertModel.Load(last))
        {
            Assert.That(TorchTiny.Weights(loaded), Is.EqualTo(TorchTiny.Weights(first)), "last/ is a model directory with the weights at the stop");
        }

        Assert.That(File.ReadAllText(Path.Combine(last, TorchCheckpoint.StateFile)), Does.Contain("\"step\": 2").And.Contain("\"engine\": \"torch\""));
        Assert.That(Directory.Exists(last + ".tmp"), Is.False);

        (TorchBertModel resumed, TorchClassificationTask t2) = TorchTiny.Setup(4, 0.1f, batchSize: 3, initSeed: 77);
        TrainingResult rest = new TorchTrainingLoop(resumed, s_vocabulary, t2, options with { OutputDirectory = run, Resume = true }).Run();
        Assert.That(half.Losses.Concat(rest.Losses), Is.EqualTo(full.Losses));
        Assert.That(TorchTiny.Weights(resumed), Is.EqualTo(TorchTiny.Weights(straight)));
        foreach (TorchBertModel m in new[] { straight, first, resumed }) m.Dispose();
    }
}
