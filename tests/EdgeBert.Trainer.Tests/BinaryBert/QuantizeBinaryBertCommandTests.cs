using EdgeBert.Format;
using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Commands;
using EdgeBert.Trainer.Tests.Data;
using EdgeBert.Trainer.Tests.Data.Commands;
using EdgeBert.Trainer.Tests.Training;

namespace EdgeBert.Trainer.Tests.BinaryBert;

/// <summary><c>edgebert-Train quantize --method binarybert</c> end to end on the tiny task: stages, skip on rerun, resume, export, bad input.</summary>
[TestFixture]
public sealed class QuantizeBinaryBertCommandTests : EdgeBert.Trainer.Tests.Distillation.TinyTeacherFixture
{
    private static readonly string[] Stages = ["width", "ternary-a", "ternary-b", "split", "binary-a", "binary-b"];

    /// <summary>The tiny run's options; an option in <paramref name="extra"/> replaces the default one of that name.</summary>
    private string[] Args(string teacher, string run, params string[] extra)
    {
        string[] defaults = ["--method", "binarybert", "--teacher", teacher, "--train", Train, "--dev", Train, "--test", Train, "--out", run,
            "--epochs", "2", "--batch-size", "4", "--lr", "2e-3", "--binary-lr", "2e-3", "--width-lr", "2e-3", "--threads", "1", "--seed", "3", "--task", "tiny"];
        var args = new List<string>();
        for (int i = 0; i < defaults.Length; i += 2)
        {
            if (!extra.Contains(defaults[i])) args.AddRange([defaults[i], defaults[i + 1]]);
        }
        return [.. args, .. extra];
    }

    [TestCase(8)]
    [TestCase(4)]
    public void RunsEveryStageExportsAndSkipsDoneStagesOnRerun(int bits)
    {
        string teacher = Teacher();
        string run = Path.Combine(Dir.Path, "student");
        (int exit, string output) = Run(QuantizeCommand.Create, Args(teacher, run, "--activation-bits", bits.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(exit, Is.EqualTo(0), output);
        foreach (string stage in Stages) Assert.That(File.Exists(Path.Combine(run, stage, "done")), Is.True, $"{stage} done\n{output}");
        Assert.That(output, Does.Contain("kept 1 of 2 heads").And.Contain($"test (8 examples, W1A{bits})").And.Contain("model.ebm"));
        Assert.That(output, Does.Contain("runtime parity on the test split").And.Contain("8/8 (100.00%)").And.Contain("parity: PASS").And.Contain("test (8 examples, FP32 teacher)"));
        Assert.That(File.ReadAllText(Path.Combine(run, "width", "importance.json")), Does.StartWith("{\"heads\":[["));
        string ebm = Path.Combine(run, "model.ebm");
        using (EbmFile file = EbmFile.Open(ebm))
        {
            Assert.That(file.Metadata.Provenance.Method, Is.EqualTo(QuantMethod.BinaryBert));
            Assert.That(file.Metadata.Provenance.TeacherScore, Is.InRange(0.0, 1.0), "the FP32 teacher's test accuracy");
            Assert.That(file.Metadata.Layers[0].ActivationBits, Is.EqualTo(bits));
            Assert.That(file.Metadata.Architecture.HeadSize, Is.EqualTo(8));
            Assert.That(file.Metadata.Architecture.Activation, Is.EqualTo(bits == 4 ? FfnActivation.Relu : FfnActivation.Gelu));
        }
        ModelScores scores = ModelDirectory.ReadScores(Path.Combine(run, "binary-b", "best"))!;
        using (var model = EdgeBert.Runtime.Model.Load(ebm))
        {
            var session = model.CreateSession();
            int correct = Tiny.Examples.Count(e => session.Classify(e.Text).LabelName == e.Label);
            Assert.That(correct / 8.0, Is.EqualTo(scores.Test["accuracy"]), "the runtime scores the export as the trainer scored its binary student");
        }

        DateTime stamp = File.GetLastWriteTimeUtc(Path.Combine(run, "binary-a", "best", "model.safetensors"));
        (exit, output) = Run(QuantizeCommand.Create, Args(teacher, run, "--activation-bits", bits.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("[width] done").And.Not.Contain("KD, lr"), "every stage is skipped on rerun");
        Assert.That(File.GetLastWriteTimeUtc(Path.Combine(run, "binary-a", "best", "model.safetensors")), Is.EqualTo(stamp));
    }

    [Test]
    public void AnInterruptedStageResumes()
    {
        string teacher = Teacher();
        string run = Path.Combine(Dir.Path, "student");
        (int exit, string output) = Run(QuantizeCommand.Create, Args(teacher, run, "--stop-after", "1"));
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("stage width stopped after step 1").And.Contain("--resume"));
        Assert.That(File.Exists(Path.Combine(run, "width", "done")), Is.False);
        Assert.That(File.Exists(Path.Combine(run, "model.ebm")), Is.False);
        (exit, output) = Run(QuantizeCommand.Create, Args(teacher, run, "--resume"));
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(File.Exists(Path.Combine(run, "model.ebm")), Is.True, output);
    }

    [Test]
    public void WithoutLrTheTernaryStagesUseBinaryBertsBaseLearningRate()
    {
        string teacher = Teacher();
        string run = Path.Combine(Dir.Path, "student");
        var args = Args(teacher, run, "--max-steps", "1").ToList();
        args.RemoveRange(args.IndexOf("--lr"), 2);
        (int exit, string output) = Run(QuantizeCommand.Create, [.. args]);
        Assert.That(exit, Is.EqualTo(0), output);
        // 2.5 × 1e-5 in stage A, 1e-5 in stage B (METHODS.md §2.4), not the shared --lr default of 5e-5.
        Assert.That(output, Does.Contain("[ternary-a] Intermediate KD, lr 2.5e-05").And.Contain("[ternary-b] Prediction KD, lr 1e-05"));
        Assert.That(output, Does.Contain("[binary-a] Intermediate KD, lr 0.005").And.Contain("[binary-b] Prediction KD, lr 0.002"));
    }

    [Test]
    public void BadOptionsExitOneWithAClearMessage()
    {
        string run = Path.Combine(Dir.Path, "student");
        string teacher = Teacher();
        foreach ((string[] extra, string message) in new[]
        {
            (new[] { "--activation-bits", "2" }, "--activation-bits must be 8 or 4"),
            (new[] { "--width", "0" }, "--width must lie in (0, 1]"),
            (new[] { "--width-epochs", "-1" }, "--width-epochs"),
            (new[] { "--binary-lr", "0" }, "--binary-lr must be positive"),
        })
        {
            (int exit, string output) = Run(QuantizeCommand.Create, Args(teacher, run, extra));
            Assert.That(exit, Is.EqualTo(1), string.Join(" ", extra));
            Assert.That(output, Does.Contain(message), output);
        }
        (int e2, string o2) = Run(QuantizeCommand.Create, Args(Path.Combine(Dir.Path, "missing"), run));
        Assert.That(e2, Is.EqualTo(1), o2);
    }
}
