using EdgeBert.Format;
using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Commands;
using EdgeBert.Trainer.Tests.Data;
using EdgeBert.Trainer.Tests.Data.Commands;
using EdgeBert.Trainer.Tests.Interop;
using EdgeBert.Trainer.Tests.Training;
using EdgeBert.Trainer.Torch;
using EdgeBert.Trainer.Torch.Training;

namespace EdgeBert.Trainer.Tests.Commands;

/// <summary>pretrain, finetune, eval, export, import and bench end to end on tiny models (LibTorch, the only engine).</summary>
public class TrainingCommandTests
{
    private static readonly string[] TinySize = ["--layers", "1", "--hidden", "16", "--heads", "2", "--ffn", "32", "--seq-len", "16", "--threads", "1", "--seed", "3"];

    private TempDirectory dir = null!;
    private string vocab = "", train = "";

    [SetUp]
    public void SetUp()
    {
        dir = new TempDirectory();
        vocab = dir.Write("vocab.txt", string.Concat(Tiny.Vocabulary.Tokens.Select(t => t + "\n")));
        train = dir.Write("train.jsonl", Tiny.JsonLines(Tiny.Examples));
    }

    [TearDown]
    public void TearDown()
    {
        dir.Dispose();
    }

    /// <summary>A command's exit code and console output.</summary>
    public sealed record CommandRun(int Exit, string Output);

    /// <summary>Runs a command on a test console; its exit code and output.</summary>
    internal static CommandRun Run(Func<Spectre.Console.IAnsiConsole, System.CommandLine.Command> create, params string[] args)
    {
        var console = new CommandTestConsole();
        int exit = CommandTestConsole.Run(create(console.Console), args);
        return new CommandRun(exit, console.Output);
    }

    [Test]
    public void Finetune_Eval_Export_EndToEnd()
    {
        string run = Path.Combine(dir.Path, "run");
        (int exit, string output) = Run(FinetuneCommand.Create,
            ["--train", train, "--dev", train, "--test", train, "--vocab", vocab, "--out", run, "--epochs", "30", "--batch-size", "4", "--lr", "1e-2", "--dropout", "0", "--task", "tiny", .. TinySize]);
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("test (8 examples)").And.Contain("best model"));
        ModelScores scores = ModelDirectory.ReadScores(Path.Combine(run, "best"))!;
        Assert.That(scores.Test["accuracy"], Is.EqualTo(1.0), output);
        Assert.That(scores.Task, Is.EqualTo("tiny"));
        Assert.That(File.Exists(Path.Combine(run, "metrics.jsonl")));
        Assert.That(File.ReadAllText(Path.Combine(run, "last", TorchCheckpoint.StateFile)), Does.Contain("\"engine\": \"torch\""));

        // --engine torch (the only engine) stays accepted for scripts that name it.
        (exit, output) = Run(EvalCommand.Create, "--model", Path.Combine(run, "best"), "--data", train, "--threads", "1", "--engine", "torch");
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("accuracy").And.Contain("1.0000").And.Contain("mcc"));

        string ebm = Path.Combine(dir.Path, "out", "tiny.ebm");
        (exit, output) = Run(ExportCommand.Create, "--model", Path.Combine(run, "best"), "--out", ebm);
        Assert.That(exit, Is.EqualTo(0), output);
        using EbmFile file = EbmFile.Open(ebm);
        Assert.That(file.Metadata.Provenance.StudentScore, Is.EqualTo(1.0));
        Assert.That(file.Metadata.Provenance.Task, Is.EqualTo("tiny"));
    }

    [Test]
    public void Pretrain_ThenFinetuneFromIt_AndResume()
    {
        string corpus = dir.Write("corpus/a.txt", string.Join("\n\n", Enumerable.Repeat("the whale and the ship. call me ishmael. free money now.", 40)));
        string run = Path.Combine(dir.Path, "pre");
        string[] common = ["--corpus", corpus, "--vocab", vocab, "--out", run, "--max-steps", "6", "--batch-size", "4", "--whole-word", .. TinySize];
        (int exit, string output) = Run(PretrainCommand.Create, [.. common, "--stop-after", "3"]);
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("stopped after step 3"));
        (exit, output) = Run(PretrainCommand.Create, [.. common, "--resume"]);
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(File.ReadLines(Path.Combine(run, "metrics.jsonl")).Count(l => l.Contains("\"step\"") && l.Contains("\"event\":\"step\"")), Is.EqualTo(6));
        Assert.That(File.ReadLines(Path.Combine(run, "metrics.jsonl")).Last(l => l.Contains("\"event\":\"eval\"")), Does.Contain("mlm_accuracy"));

        (exit, output) = Run(FinetuneCommand.Create, "--train", train, "--init", Path.Combine(run, "best"), "--out", Path.Combine(dir.Path, "ft"), "--max-steps", "2", "--threads", "1");
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(ModelDirectory.ReadConfig(Path.Combine(dir.Path, "ft", "best")).Labels, Is.EqualTo(new[] { "ham", "spam" }));
    }

    [Test]
    public void Pretrain_OnATaskFilesTexts_ContinuesFromAModel()
    {
        string first = Path.Combine(dir.Path, "pre");
        (int exit, string output) = Run(PretrainCommand.Create,
            ["--corpus", train, "--vocab", vocab, "--out", first, "--max-steps", "2", "--batch-size", "4", .. TinySize]);
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Match(@"pretrain: [1-9]\d* train"), "the JSONL texts are the corpus");

        string adapted = Path.Combine(dir.Path, "adapted");
        (exit, output) = Run(PretrainCommand.Create,
            "--corpus", train, "--init", Path.Combine(first, "best"), "--out", adapted, "--max-steps", "2", "--batch-size", "4", "--threads", "1");
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(ModelDirectory.ReadConfig(Path.Combine(adapted, "best")).Hidden, Is.EqualTo(16));

        string broken = dir.Write("broken.jsonl", "{\"text\": \"fine\", \"label\": 0}\nnot json\n");
        (exit, output) = Run(PretrainCommand.Create,
            "--corpus", broken, "--vocab", vocab, "--out", Path.Combine(dir.Path, "broken"), "--max-steps", "2", "--threads", "1");
        Assert.That(exit, Is.Not.EqualTo(0), output);
        Assert.That(output, Does.Contain("broken.jsonl"));
    }

    [Test]
    public void Import_WritesAModelDirectoryThatEvaluates()
    {
        string hf = Path.Combine(dir.Path, "hf");
        HuggingFaceImporterTests.WriteHfCheckpoint(hf);
        string model = Path.Combine(dir.Path, "imported");
        (int exit, string output) = Run(ImportCommand.Create, "--hf", hf, "--out", model);
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("labels [ham,spam]"));
        using (TorchBertModel loaded = TorchBertModel.Load(model)) Assert.That(loaded.Config.Labels, Is.EqualTo(new[] { "ham", "spam" }));
        (exit, output) = Run(EvalCommand.Create, "--model", model, "--data", train);
        Assert.That(exit, Is.EqualTo(0), output);
        // A file with the importer's views: one column for all examples, one per view.
        string views = Path.Combine(dir.Path, "views.jsonl");
        EdgeBert.Trainer.Data.Tasks.JsonlTaskFile.Write(views, Tiny.Examples.Select((e, i) => e with { View = i % 2 == 0 ? "subject" : "whole" }));
        (exit, output) = Run(EvalCommand.Create, "--model", model, "--data", views);
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("view subject").And.Contain("view whole"));
        Assert.That(output, Does.Match(@"examples\D*8\D+4\D+4"), output);

        // Fine-tuning the imported model on three labels replaces its two-label classifier.
        string three = dir.Write("three.jsonl", Tiny.JsonLines(Tiny.Examples.Select((e, i) => e with { Label = (i % 3).ToString(System.Globalization.CultureInfo.InvariantCulture) })));
        (exit, output) = Run(FinetuneCommand.Create, "--train", three, "--init", model, "--out", Path.Combine(dir.Path, "ft3"), "--max-steps", "1", "--threads", "1");
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(ModelDirectory.ReadConfig(Path.Combine(dir.Path, "ft3", "best")).Labels, Is.EqualTo(new[] { "0", "1", "2" }));
    }

    [Test]
    public void Bench_RunsATinyConfiguration()
    {
        (int exit, string output) = Run(BenchCommand.Create,
            "--layers", "1", "--hidden", "16", "--heads", "2", "--ffn", "32", "--seq-len", "8", "--batch-size", "2", "--steps", "1", "--warmup-steps", "0", "--vocab-size", "50", "--threads", "1");
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("tokens/s").And.Contain("peak RSS"));
        Assert.That(output, Does.Match(@"bench \(torch\).* [1-9]\d* tokens/s"));
    }

    [Test]
    public void TheClassicEngine_AndUnknownEngines_AreUsageErrors_CudaWithoutCudaABadInput()
    {
        foreach ((string engine, string message) in new[] { ("classic", "the classic engine (the trainer's own autograd) was removed"), ("tensorflow", "--engine must be torch") })
        {
            var error = new StringWriter();
            int code = Program.Run(["eval", "--model", dir.Path, "--data", train, "--engine", engine], new StringWriter(), error);
            Assert.That(code, Is.EqualTo(Program.ExitUsage), error.ToString());
            Assert.That(error.ToString(), Does.Contain(message), engine);
        }

        (int exit, string output) = Run(FinetuneCommand.Create, ["--train", train, "--vocab", vocab, "--out", Path.Combine(dir.Path, "cuda"), "--max-steps", "1", "--device", "cuda", .. TinySize]);
        if (TorchSharp.torch.cuda.is_available()) Assert.Ignore("this machine has CUDA; the refusal is for machines without it");
        Assert.That(exit, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("--device cuda: LibTorch sees no CUDA device"));
    }

    [Test]
    public void Finetune_BadInput_ExitsOneWithAClearMessage()
    {
        string run = Path.Combine(dir.Path, "run");
        Assert.That(Run(FinetuneCommand.Create, "--train", Path.Combine(dir.Path, "missing.jsonl"), "--vocab", vocab, "--out", run),
            Has.Property("Exit").EqualTo(1).And.Property("Output").Contains("missing.jsonl"));
        Assert.That(Run(FinetuneCommand.Create, "--train", train, "--vocab", vocab, "--init", run, "--out", run),
            Has.Property("Exit").EqualTo(1).And.Property("Output").Contains("exactly one of --vocab"));
        Assert.That(Run(FinetuneCommand.Create, "--train", train, "--vocab", vocab, "--out", run, "--heads", "3"),
            Has.Property("Exit").EqualTo(1).And.Property("Output").Contains("heads 3 must divide hidden 256"));
        Assert.That(Run(FinetuneCommand.Create, "--train", train, "--vocab", vocab, "--out", run, "--threads", "0"),
            Has.Property("Exit").EqualTo(1).And.Property("Output").Contains("--threads"));
        Assert.That(Run(FinetuneCommand.Create, "--train", train, "--vocab", vocab, "--out", run, "--labels", "ham,eggs"),
            Has.Property("Exit").EqualTo(1).And.Property("Output").Contains("label 'spam' is not one of"));
        string bad = dir.Write("bad.jsonl", "{\"text\": 1}\n");
        Assert.That(Run(FinetuneCommand.Create, "--train", bad, "--vocab", vocab, "--out", run), Has.Property("Exit").EqualTo(1));
        Assert.That(Run(FinetuneCommand.Create, "--vocab", vocab, "--out", run).Exit, Is.Not.EqualTo(0), "--train is required");
    }

    [Test]
    public void OtherCommands_BadInput_ExitOne()
    {
        string nowhere = Path.Combine(dir.Path, "nowhere");
        Assert.That(Run(EvalCommand.Create, "--model", nowhere, "--data", train), Has.Property("Exit").EqualTo(1).And.Property("Output").Contains("no config.json"));
        Assert.That(Run(ExportCommand.Create, "--model", nowhere, "--out", Path.Combine(dir.Path, "x.ebm")), Has.Property("Exit").EqualTo(1).And.Property("Output").Contains("no config.json"));
        Assert.That(Run(ImportCommand.Create, "--hf", nowhere, "--out", Path.Combine(dir.Path, "m")), Has.Property("Exit").EqualTo(1).And.Property("Output").Contains("no such directory"));
        Assert.That(Run(PretrainCommand.Create, "--corpus", nowhere, "--vocab", vocab, "--out", Path.Combine(dir.Path, "p")), Has.Property("Exit").EqualTo(1));
        Assert.That(Run(BenchCommand.Create, "--steps", "0"), Has.Property("Exit").EqualTo(1).And.Property("Output").Contains("--steps"));
        string corrupt = Path.Combine(dir.Path, "corrupt");
        Directory.CreateDirectory(corrupt);
        File.WriteAllText(Path.Combine(corrupt, "config.json"), "{ not json");
        Assert.That(Run(ExportCommand.Create, "--model", corrupt, "--out", Path.Combine(dir.Path, "x.ebm")), Has.Property("Exit").EqualTo(1).And.Property("Output").Contains("config.json"));
    }

    [Test]
    public void Program_RegistersTheTrainingCommands()
    {
        var output = new StringWriter();
        Assert.That(Program.Run(["--help"], output, new StringWriter()), Is.EqualTo(0));
        foreach (string name in new[] { "pretrain", "finetune", "eval", "export", "import", "bench" })
        {
            Assert.That(output.ToString(), Does.Contain(name), name);
        }

        Assert.That(Program.Run(["finetune", "--bogus"], new StringWriter(), new StringWriter()), Is.EqualTo(Program.ExitUsage));
    }
}
