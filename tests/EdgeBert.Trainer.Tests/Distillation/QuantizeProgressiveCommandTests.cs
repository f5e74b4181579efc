using EdgeBert.Format;
using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Commands;
using EdgeBert.Trainer.Tests.Data;
using EdgeBert.Trainer.Tests.Data.Commands;
using EdgeBert.Trainer.Tests.Training;

namespace EdgeBert.Trainer.Tests.Distillation;

/// <summary><c>edgebert-Train quantize --method progressive</c> end to end on the tiny task: chain, exports, resume, summary.</summary>
[TestFixture]
public sealed class QuantizeProgressiveCommandTests : TinyTeacherFixture
{
    private static readonly string[] StageOne = ["w8", "w4", "w2", "w1"];

    private (int Exit, string Output) Progressive(string teacher, string run, params string[] extra) =>
        Run(QuantizeCommand.Create, ["--method", "progressive", "--teacher", teacher, "--train", Train, "--dev", Train, "--test", Train, "--out", run,
            "--batch-size", "4", "--lr", "2e-3", "--threads", "1", "--seed", "3", "--task", "tiny",
            .. extra.Contains("--epochs-per-step") ? extra : [.. extra, "--epochs-per-step", "2"]]);

    [Test]
    public void ChainTrainsEveryStepExportsTheTargetsAndSkipsFinishedStepsOnRerun()
    {
        string teacher = Teacher();
        string run = Path.Combine(Dir.Path, "progressive");
        (int exit, string output) = Progressive(teacher, run, "--targets", "w1a8,w1a1");
        Assert.That(exit, Is.EqualTo(0), output);
        string[] steps = [.. StageOne, "w1a8", "w1a1"];
        for (int i = 0; i < steps.Length; i++)
        {
            Assert.That(output, Does.Contain($"[{i + 1}/6] {steps[i]} ").And.Contain("KD fine-tune from"), output);
            Assert.That(File.Exists(Path.Combine(run, steps[i], QuantizeProgressiveRunner.CompleteFile)), Is.True, steps[i]);
            Assert.That(ModelDirectory.ReadScores(Path.Combine(run, steps[i], "best"))!.Test, Contains.Key("accuracy"), steps[i]);
        }
        Assert.That(output, Does.Contain("KD fine-tune from the teacher").And.Contain($"from {Path.Combine(run, "w1", "best")}"));
        Assert.That(File.Exists(Path.Combine(run, "w1a4.ebm")), Is.False, "w1a4 was not a target");
        string summary = File.ReadAllText(Path.Combine(run, "summary.md"));
        Assert.That(summary.Split('\n').Count(l => l.StartsWith("| ", StringComparison.Ordinal)), Is.EqualTo(1 + 1 + 6), "header, teacher, six steps");
        Assert.That(summary, Does.Contain("| w1a1 | stage 2 | 1-1-1 | w1 |").And.Contain("8/8 test"));

        foreach ((string target, int bits) in new[] { ("w1a8", 8), ("w1a1", 1) })
        {
            string ebm = Path.Combine(run, target + ".ebm");
            using (EbmFile file = EbmFile.Open(ebm))
            {
                Assert.That(file.Metadata.Provenance.Method, Is.EqualTo(QuantMethod.TwoStage), target);
                Assert.That(file.Metadata.Provenance.Task, Is.EqualTo("tiny"));
                Assert.That(file.Metadata.Provenance.TeacherScore, Is.EqualTo(ModelDirectory.ReadScores(teacher)!.Dev["accuracy"]), "the teacher's accuracy on the same 8 mails (its dev = our test split)");
                Assert.That(file.Metadata.Layers.Select(l => (l.WeightBits, l.ActivationBits)), Is.All.EqualTo((1, bits)), target);
            }
            using var model = EdgeBert.Runtime.Model.Load(ebm);
            var session = model.CreateSession();
            int correct = Tiny.Examples.Count(e => session.Classify(e.Text).LabelName == e.Label);
            ModelScores scores = ModelDirectory.ReadScores(Path.Combine(run, target, "best"))!;
            Assert.That(correct / 8.0, Is.EqualTo(scores.Test["accuracy"]), $"{target}: the runtime scores the export as the trainer scored its student (seed 3)");
        }

        byte[] before = File.ReadAllBytes(Path.Combine(run, "w1a8.ebm"));
        (exit, string again) = Progressive(teacher, run, "--targets", "w1a8,w1a1");
        Assert.That(exit, Is.EqualTo(0), again);
        foreach (string step in steps) Assert.That(again, Does.Match($@"\] {step} \(stage \d, W-E-A [-0-9]+\): complete in \S+, skipped"), again);
        Assert.That(again, Does.Not.Contain("KD fine-tune"), "nothing is retrained");
        Assert.That(File.ReadAllText(Path.Combine(run, "summary.md")), Is.EqualTo(summary), "the rerun reports the same table");
        Assert.That(File.ReadAllBytes(Path.Combine(run, "w1a8.ebm")), Is.EqualTo(before));
    }

    [Test]
    public void AnInterruptedStepResumesToTheSameResultAsAnUninterruptedRun()
    {
        string teacher = Teacher();
        string straight = Path.Combine(Dir.Path, "straight"), interrupted = Path.Combine(Dir.Path, "interrupted");
        (int exit, string output) = Progressive(teacher, straight, "--targets", "w1a8");
        Assert.That(exit, Is.EqualTo(0), output);

        // 2 batches × 2 epochs = 4 updates per step: stop inside the first step.
        (exit, output) = Progressive(teacher, interrupted, "--targets", "w1a8", "--stop-after", "3");
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("stopped in step w8 after update 3"));
        Assert.That(File.Exists(Path.Combine(interrupted, "w8", QuantizeProgressiveRunner.CompleteFile)), Is.False);
        Assert.That(Directory.Exists(Path.Combine(interrupted, "w4")), Is.False, "later steps wait");

        (exit, output) = Progressive(teacher, interrupted, "--targets", "w1a8");
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("resuming from"));
        Assert.That(File.ReadAllBytes(Path.Combine(interrupted, "w1a8.ebm")), Is.EqualTo(File.ReadAllBytes(Path.Combine(straight, "w1a8.ebm"))),
            "resumed and uninterrupted chains export the same model (seed 3)");
    }

    [Test]
    public void BadProgressiveOptionsExitOneWithAClearMessage()
    {
        string teacher = Teacher();
        string run = Path.Combine(Dir.Path, "progressive");
        (int exit, string output) = Progressive(teacher, run, "--targets", "w1a2");
        Assert.That(exit, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("unknown target 'w1a2'"));
        (exit, output) = Progressive(teacher, run, "--epochs-per-step", "0");
        Assert.That(exit, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("--epochs-per-step must be at least 1"));
        string empty = Dir.Write("empty.jsonl", "");
        (exit, output) = Run(QuantizeCommand.Create, "--method", "progressive", "--teacher", teacher, "--train", Train, "--test", empty, "--out", run, "--threads", "1");
        Assert.That(exit, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("empty"));
        Assert.That(Directory.Exists(Path.Combine(run, "w8")), Is.False, "nothing was trained");
    }
}
