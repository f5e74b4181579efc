using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Commands;
using EdgeBert.Trainer.Interop;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Tests.Data;
using EdgeBert.Trainer.Tests.Data.Commands;
using EdgeBert.Trainer.Tests.Training;
using EdgeBert.Trainer.Torch;
using EdgeBert.Trainer.Torch.Training;
using EdgeBert.Trainer.Training;
using RuntimeModel = EdgeBert.Runtime.Model;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Tests.Commands;

/// <summary>
/// parity: a tiny model fine-tuned a few steps (seed 3) and exported must run identically in the
/// runtime; the comparison itself must notice a perturbed model.
/// </summary>
public class ParityCommandTests
{
    private static readonly string[] TinySize = ["--layers", "1", "--hidden", "16", "--heads", "2", "--ffn", "32", "--seq-len", "16", "--threads", "1", "--seed", "3"];

    private TempDirectory dir = null!;
    private string data = "", best = "", ebm = "";

    [OneTimeSetUp]
    public void TrainAndExport()
    {
        dir = new TempDirectory();
        string vocab = dir.Write("vocab.txt", string.Concat(Tiny.Vocabulary.Tokens.Select(t => t + "\n")));
        data = dir.Write("train.jsonl", Tiny.JsonLines(Tiny.Examples));
        string run = Path.Combine(dir.Path, "run");
        (int exit, string output) = Run(FinetuneCommand.Create,
            ["--train", data, "--vocab", vocab, "--out", run, "--epochs", "30", "--batch-size", "4", "--lr", "1e-2", "--dropout", "0", .. TinySize]);
        Assert.That(exit, Is.EqualTo(0), output);
        best = Path.Combine(run, "best");
        ebm = Path.Combine(dir.Path, "tiny.ebm");
        (exit, output) = Run(ExportCommand.Create, "--model", best, "--out", ebm);
        Assert.That(exit, Is.EqualTo(0), output);
    }

    [OneTimeTearDown]
    public void TearDown()
    {
        dir.Dispose();
    }

    private static TrainingCommandTests.CommandRun Run(Func<Spectre.Console.IAnsiConsole, System.CommandLine.Command> create, params string[] args)
    {
        var console = new CommandTestConsole();
        int exit = CommandTestConsole.Run(create(console.Console), args);
        return new TrainingCommandTests.CommandRun(exit, console.Output);
    }

    private (TorchBertModel Bert, List<EncodedExample> Examples) LoadCheckpoint()
    {
        TorchBertModel bert = TorchBertModel.Load(best);
        var tokenizer = ExampleEncoder.Tokenizer(ModelDirectory.ReadVocabulary(best), bert.Config);
        return (bert, ExampleEncoder.Encode(Tiny.Examples, tokenizer, bert.Config.Labels));
    }

    [TestCase(1)]
    [TestCase(3)] // batches of 3 mix lengths, so the trainer's padding mask is part of the comparison
    public void ExportedTinyModel_AgreesWithTheTrainer(int batchSize)
    {
        (TorchBertModel bert, List<EncodedExample> examples) = LoadCheckpoint();
        using var model = bert;
        using RuntimeModel runtime = RuntimeModel.Load(ebm);
        ParityReport report = RuntimeParity.Compare(bert.Config.Labels, () => TorchLogits.InOrder(bert, examples, batchSize, 0), runtime, examples, tolerance: 1e-4);
        string context = $"tiny model seed 3, batch {batchSize}: {report}";
        Assert.That(report.Count, Is.EqualTo(Tiny.Examples.Length), context);
        Assert.That(report.Agreements, Is.EqualTo(report.Count), context);
        Assert.That(report.MaxAbsoluteDelta, Is.LessThanOrEqualTo(1e-4), context);
        Assert.That(report.MaxRelativeDelta, Is.LessThanOrEqualTo(1e-4), context);
        Assert.That(report.Mismatches, Is.Empty, context);
        Assert.That(report.Passed, Is.True, context);
        Assert.That(report.TrainerCorrect, Is.EqualTo(report.RuntimeCorrect), context);

        // Trained, so the logits separate the classes (a comparison of near-zero logits would prove little).
        Assert.That(report.TrainerCorrect, Is.EqualTo(report.Count), context);
        Assert.That(Math.Abs(report.Worst.TrainerLogits[0] - report.Worst.TrainerLogits[1]), Is.GreaterThan(0.1), context);
    }

    [Test]
    public void Command_ReportsFullAgreementAndExitsZero()
    {
        (int exit, string output) = Run(ParityCommand.Create, "--model", best, "--ebm", ebm, "--data", data, "--threads", "1", "--batch-size", "3");
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("8/8 (100.00%)").And.Contain("parity: PASS").And.Contain("max |Δlogit| absolute"));
    }

    [Test]
    public void Compare_NoticesAPerturbedClassifier()
    {
        (TorchBertModel bert, List<EncodedExample> examples) = LoadCheckpoint();
        using var model = bert;
        using RuntimeModel runtime = RuntimeModel.Load(ebm);

        // Shifting one class's bias by 0.5 moves that logit by exactly 0.5 on every example.
        using (var noGrad = no_grad()) bert.NamedWeights().Single(w => w.Name == "classifier.bias").Parameter[0].add_(0.5f);
        ParityReport report = RuntimeParity.Compare(bert.Config.Labels, () => TorchLogits.InOrder(bert, examples, 4, 0), runtime, examples, tolerance: 1e-4);
        Assert.That(report.Passed, Is.False, report.ToString());
        Assert.That(report.MaxAbsoluteDelta, Is.EqualTo(0.5).Within(1e-4), report.ToString());
        Assert.That(report.Mismatches, Has.Count.EqualTo(examples.Count), report.ToString());
        Assert.That(report.Mismatches.Select(m => m.Index), Is.EqualTo(Enumerable.Range(0, examples.Count)));
    }

    [Test]
    public void Command_BadInput_ExitsOneWithAClearMessage()
    {
        Assert.That(Run(ParityCommand.Create, "--model", best, "--ebm", Path.Combine(dir.Path, "missing.ebm"), "--data", data),
            Has.Property("Exit").EqualTo(1).And.Property("Output").Contains("missing.ebm"));
        Assert.That(Run(ParityCommand.Create, "--model", best, "--ebm", ebm, "--data", data, "--tolerance", "-1"),
            Has.Property("Exit").EqualTo(1).And.Property("Output").Contains("tolerance"));
        Assert.That(Run(ParityCommand.Create, "--model", best, "--ebm", ebm, "--data", data, "--batch-size", "0"),
            Has.Property("Exit").EqualTo(1).And.Property("Output").Contains("batch size"));
        Assert.That(Run(ParityCommand.Create, "--model", Path.Combine(dir.Path, "nowhere"), "--ebm", ebm, "--data", data),
            Has.Property("Exit").EqualTo(1).And.Property("Output").Contains("no config.json"));

        // A checkpoint whose vocabulary differs from the .ebm's is refused before comparing anything.
        string other = Path.Combine(dir.Path, "other");
        Directory.CreateDirectory(other);
        foreach (string f in Directory.GetFiles(best)) File.Copy(f, Path.Combine(other, Path.GetFileName(f)));
        File.AppendAllText(Path.Combine(other, "vocab.txt"), "zzzextra\n");
        Assert.That(Run(ParityCommand.Create, "--model", other, "--ebm", ebm, "--data", data),
            Has.Property("Exit").EqualTo(1).And.Property("Output").Contains("was the .ebm exported from this checkpoint"));
    }

    [Test]
    public void Program_RegistersParity()
    {
        var output = new StringWriter();
        Assert.That(Program.Run(["--help"], output, new StringWriter()), Is.EqualTo(0));
        Assert.That(output.ToString(), Does.Contain("parity"));
    }
}
