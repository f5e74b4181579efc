using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Tests.Data;
using EdgeBert.Trainer.Training;

namespace EdgeBert.Trainer.Tests.Training;

public class TrainingLoopTests : PinnedTrainerThreads
{

    private static (BertModel Model, ClassificationTask Task) Setup(long seed, float dropout, int batchSize = 4)
    {
        BertConfig config = Tiny.Config(dropout);
        var examples = Tiny.Encoded(config);
        var model = new BertModel(config, new TrainingRandom((ulong)seed));
        return (model, new ClassificationTask(examples, examples, 2, batchSize, seed, 0));
    }

    [Test]
    public void TinyModel_OverfitsEightExamples()
    {
        (BertModel model, ClassificationTask task) = Setup(seed: 1, dropout: 0f);
        var options = new TrainingOptions { Epochs = 60, LearningRate = 1e-2f, WarmupFraction = 0.05, Seed = 1, AdamW = new AdamWOptions { WeightDecay = 0f } };
        TrainingResult result = new TrainingLoop(model, Tiny.Vocabulary.Tokens, task, options).Run();
        Assert.That(result.Steps, Is.EqualTo(120));
        Assert.That(result.Losses.TakeLast(4).Average(), Is.LessThan(result.Losses.Take(4).Average() * 0.1), "loss decreases (seed 1)");
        EvalResult eval = task.Evaluate(model);
        Assert.That(eval.Values["accuracy"], Is.EqualTo(1.0), "all 8 examples right (seed 1)");
        Assert.That(result.Best!.Values["accuracy"], Is.EqualTo(1.0));
    }

    [Test]
    public void SameSeed_SameLossCurve_DifferentSeed_Differs()
    {
        var options = new TrainingOptions { Epochs = 2, LearningRate = 1e-3f, Seed = 5 };
        (BertModel m1, ClassificationTask t1) = Setup(5, dropout: 0.1f);
        (BertModel m2, ClassificationTask t2) = Setup(5, dropout: 0.1f);
        (BertModel m3, ClassificationTask t3) = Setup(6, dropout: 0.1f);
        var a = new TrainingLoop(m1, Tiny.Vocabulary.Tokens, t1, options).Run().Losses;
        var b = new TrainingLoop(m2, Tiny.Vocabulary.Tokens, t2, options).Run().Losses;
        var c = new TrainingLoop(m3, Tiny.Vocabulary.Tokens, t3, options with { Seed = 6 }).Run().Losses;
        Assert.That(b, Is.EqualTo(a), "seed 5, 2 threads");
        Assert.That(c, Is.Not.EqualTo(a));
    }

    [Test]
    public void InterruptedAndResumed_EqualsStraightRun_BitForBit()
    {
        using var dir = new TempDirectory();
        // Batch 3 over 8 examples: the interruption (step 4) falls mid-epoch; dropout exercises the saved generator.
        var options = new TrainingOptions { Epochs = 3, LearningRate = 1e-3f, Seed = 3, EvalEvery = 2 };
        (BertModel straight, ClassificationTask t0) = Setup(3, 0.1f, batchSize: 3);
        TrainingResult full = new TrainingLoop(straight, Tiny.Vocabulary.Tokens, t0, options with { OutputDirectory = Path.Combine(dir.Path, "a") }).Run();

        string run = Path.Combine(dir.Path, "b");
        (BertModel first, ClassificationTask t1) = Setup(3, 0.1f, batchSize: 3);
        TrainingResult half = new TrainingLoop(first, Tiny.Vocabulary.Tokens, t1, options with { OutputDirectory = run, StopAfterSteps = 4 }).Run();
        Assert.That(half.Interrupted, Is.True);
        Assert.That(TrainingCheckpoint.Exists(Path.Combine(run, "last")));

        (BertModel resumed, ClassificationTask t2) = Setup(3, 0.1f, batchSize: 3);
        TrainingResult rest = new TrainingLoop(resumed, Tiny.Vocabulary.Tokens, t2, options with { OutputDirectory = run, Resume = true }).Run();

        Assert.That(full.Steps, Is.EqualTo(9));
        Assert.That(half.Losses.Concat(rest.Losses), Is.EqualTo(full.Losses), "loss curve (seed 3, batch 3, stop at 4)");
        var expected = straight.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Data);
        foreach ((string name, Tensor p) in resumed.NamedParameters())
        {
            Assert.That(p.Data, Is.EqualTo(expected[name]), name);
        }

        Assert.That(rest.BestStep, Is.EqualTo(full.BestStep));
        Assert.That(File.ReadLines(Path.Combine(run, "metrics.jsonl")).Count(l => l.Contains("\"event\":\"step\"")), Is.EqualTo(9));
    }

    [Test]
    public void KilledWithoutWarning_ResumesFromTheLastEvaluation_BitForBit()
    {
        using var dir = new TempDirectory();
        var options = new TrainingOptions { Epochs = 3, LearningRate = 1e-3f, Seed = 3, EvalEvery = 2 };
        (BertModel straight, ClassificationTask t0) = Setup(3, 0.1f, batchSize: 3);
        TrainingResult full = new TrainingLoop(straight, Tiny.Vocabulary.Tokens, t0, options with { OutputDirectory = Path.Combine(dir.Path, "a") }).Run();

        // The "kill" (an exception from the observer) comes at step 5: no checkpoint is written then,
        // so the run must restart from the one saved with the evaluation at step 4.
        string run = Path.Combine(dir.Path, "b");
        (BertModel first, ClassificationTask t1) = Setup(3, 0.1f, batchSize: 3);
        Assert.That(() => new TrainingLoop(first, Tiny.Vocabulary.Tokens, t1, options with { OutputDirectory = run }).Run(new KillAt(5)),
            Throws.InstanceOf<OperationCanceledException>());
        Assert.That(TrainingCheckpoint.Exists(Path.Combine(run, "last")), "last/ written at the step-4 evaluation");

        (BertModel resumed, ClassificationTask t2) = Setup(3, 0.1f, batchSize: 3);
        TrainingResult rest = new TrainingLoop(resumed, Tiny.Vocabulary.Tokens, t2, options with { OutputDirectory = run, Resume = true }).Run();
        Assert.That(rest.Losses, Is.EqualTo(full.Losses.Skip(4)), "updates 5..9 repeat those of the straight run (seed 3, batch 3)");
        var expected = straight.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Data);
        foreach ((string name, Tensor p) in resumed.NamedParameters())
        {
            Assert.That(p.Data, Is.EqualTo(expected[name]), name);
        }
    }

    private sealed class KillAt(long step) : ITrainingObserver
    {
        public void OnStep(StepReport report)
        {
            if (report.Step == step) throw new OperationCanceledException($"simulated kill at step {step}");
        }

        public void OnEvaluation(long step, EvalResult result, bool isBest)
        {
        }
    }

    [Test]
    public void BestCheckpoint_HasTheBestDevScoreAndLoads()
    {
        using var dir = new TempDirectory();
        (BertModel model, ClassificationTask task) = Setup(2, 0f);
        var options = new TrainingOptions { Epochs = 6, LearningRate = 3e-3f, Seed = 2, EvalEvery = 2, OutputDirectory = dir.Path };
        TrainingResult result = new TrainingLoop(model, Tiny.Vocabulary.Tokens, task, options).Run();
        var evals = File.ReadLines(Path.Combine(dir.Path, "metrics.jsonl")).Where(l => l.Contains("\"event\":\"eval\"")).ToList();
        Assert.That(evals, Has.Count.EqualTo(6));
        ModelScores scores = ModelDirectory.ReadScores(Path.Combine(dir.Path, "best"))!;
        Assert.That(scores.Step, Is.EqualTo(result.BestStep));
        Assert.That(scores.Dev["accuracy"], Is.EqualTo(result.Best!.Score));
        BertModel best = ModelDirectory.Load(Path.Combine(dir.Path, "best"));
        Assert.That(task.Evaluate(best).Score, Is.EqualTo(result.Best.Score));
    }

    [Test]
    public void InvalidOptions_Throw()
    {
        (BertModel model, ClassificationTask task) = Setup(1, 0f);
        Assert.That(() => new TrainingLoop(model, Tiny.Vocabulary.Tokens, task, new TrainingOptions { LearningRate = 0f }), Throws.ArgumentException.With.Message.Contains("--lr"));
        Assert.That(() => new TrainingLoop(model, Tiny.Vocabulary.Tokens, task, new TrainingOptions { Resume = true }), Throws.ArgumentException.With.Message.Contains("--resume"));
        Assert.That(() => new ClassificationTask([], [], 2, 4, 1, 0), Throws.ArgumentException.With.Message.Contains("empty"));
    }
}
