using EdgeBert.Format;
using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Commands;
using EdgeBert.Trainer.Tests.Commands;
using EdgeBert.Trainer.Tests.Data;
using EdgeBert.Trainer.Tests.Data.Commands;
using EdgeBert.Trainer.Tests.Interop;
using EdgeBert.Trainer.Tests.Training;
using EdgeBert.Trainer.Torch;

namespace EdgeBert.Trainer.Tests.Torch.Training;

/// <summary>
/// The commands with <c>--engine torch</c> end to end on tiny models: finetune → eval → export →
/// runtime parity; pretrain stopped, resumed and fine-tuned from; an imported HF checkpoint
/// evaluated; bench; and the clear errors of an unknown engine and of cuda without CUDA.
/// </summary>
[TestFixture]
[Category("Torch")]
public sealed class TorchCommandTests
{
    private static readonly string[] TinySize = ["--layers", "1", "--hidden", "16", "--heads", "2", "--ffn", "32", "--seq-len", "16", "--threads", "1", "--seed", "3", "--engine", "torch"];

    private int savedThreads;
    private TempDirectory dir = null!;
    private string vocab = "", train = "";

    [SetUp]
    public void SetUp()
    {
        savedThreads = TrainerThreads.Count;
        dir = new TempDirectory();
        vocab = dir.Write("vocab.txt", string.Concat(Tiny.Vocabulary.Tokens.Select(t => t + "\n")));
        train = dir.Write("train.jsonl", Tiny.JsonLines(Tiny.Examples));
    }

    [TearDown]
    public void TearDown()
    {
        TrainerThreads.Count = savedThreads;
        dir.Dispose();
    }

    private static TrainingCommandTests.CommandRun Run(Func<Spectre.Console.IAnsiConsole, System.CommandLine.Command> create, params string[] args)
    {
        var console = new CommandTestConsole();
        int exit = CommandTestConsole.Run(create(console.Console), args);
        return new TrainingCommandTests.CommandRun(exit, console.Output);
    }

    [Test]
    public void Finetune_Eval_Export_Parity_WithTheTorchEngine()
    {
        string run = Path.Combine(dir.Path, "run");
        (int exit, string output) = Run(FinetuneCommand.Create,
            ["--train", train, "--dev", train, "--test", train, "--vocab", vocab, "--out", run, "--epochs", "30", "--batch-size", "4", "--lr", "1e-2", "--dropout", "0", "--task", "tiny", "--eval-every", "20", .. TinySize]);
        Assert.That(exit, Is.EqualTo(0), output);
        string best = Path.Combine(run, "best");
        ModelScores scores = ModelDirectory.ReadScores(best)!;
        Assert.That(scores.Test["accuracy"], Is.EqualTo(1.0), output);
        Assert.That(File.ReadAllText(Path.Combine(run, "last", TrainingCheckpoint.StateFile)), Does.Contain("\"engine\": \"torch\""));

        foreach (string engine in new[] { "torch", "classic" })
        {
            (exit, output) = Run(EvalCommand.Create, "--model", best, "--data", train, "--threads", "1", "--engine", engine);
            Assert.That(exit, Is.EqualTo(0), output);
            Assert.That(output, Does.Contain("accuracy").And.Contain("1.0000"), engine);
        }

        string ebm = Path.Combine(dir.Path, "tiny.ebm");
        (exit, output) = Run(ExportCommand.Create, "--model", best, "--out", ebm);
        Assert.That(exit, Is.EqualTo(0), output);
        using (EbmFile file = EbmFile.Open(ebm)) Assert.That(file.Metadata.Provenance.StudentScore, Is.EqualTo(1.0));

        foreach (string engine in new[] { "torch", "classic" })
        {
            (exit, output) = Run(ParityCommand.Create, "--model", best, "--ebm", ebm, "--data", train, "--threads", "1", "--engine", engine);
            Assert.That(exit, Is.EqualTo(0), output);
            Assert.That(output, Does.Contain("8/8 (100.00%)").And.Contain("parity: PASS"), engine);
        }
    }

    [Test]
    public void Pretrain_StoppedAndResumed_ThenFinetunedFrom_WithTheTorchEngine()
    {
        string corpus = dir.Write("corpus/a.txt", string.Join("\n\n", Enumerable.Repeat("the whale and the ship. call me ishmael. free money now.", 40)));
        string run = Path.Combine(dir.Path, "pre");
        string[] common = ["--corpus", corpus, "--vocab", vocab, "--out", run, "--max-steps", "6", "--batch-size", "4", "--whole-word", .. TinySize];
        (int exit, string output) = Run(PretrainCommand.Create, [.. common, "--stop-after", "3"]);
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("stopped after step 3"));
        (exit, output) = Run(PretrainCommand.Create, [.. common, "--resume"]);
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(File.ReadLines(Path.Combine(run, "metrics.jsonl")).Count(l => l.Contains("\"event\":\"step\"")), Is.EqualTo(6));
        Assert.That(File.ReadLines(Path.Combine(run, "metrics.jsonl")).Last(l => l.Contains("\"event\":\"eval\"")), Does.Contain("mlm_accuracy"));

        (exit, output) = Run(FinetuneCommand.Create, "--train", train, "--init", Path.Combine(run, "best"), "--out", Path.Combine(dir.Path, "ft"), "--max-steps", "2", "--threads", "1", "--engine", "torch");
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(ModelDirectory.ReadConfig(Path.Combine(dir.Path, "ft", "best")).Labels, Is.EqualTo(new[] { "ham", "spam" }));
    }

    [Test]
    public void AnImportedHuggingFaceCheckpoint_LoadsIntoTheTorchModel_AndEvaluates()
    {
        string hf = Path.Combine(dir.Path, "hf");
        HuggingFaceImporterTests.WriteHfCheckpoint(hf);
        string model = Path.Combine(dir.Path, "imported");
        (int exit, string output) = Run(ImportCommand.Create, "--hf", hf, "--out", model);
        Assert.That(exit, Is.EqualTo(0), output);
        using (TorchBertModel loaded = TorchBertModel.Load(model)) Assert.That(loaded.Config.Labels, Is.EqualTo(new[] { "ham", "spam" }));
        (exit, output) = Run(EvalCommand.Create, "--model", model, "--data", train, "--engine", "torch");
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("accuracy"));
    }

    [Test]
    public void Bench_ReportsTokensPerSecond()
    {
        (int exit, string output) = Run(BenchCommand.Create, "--engine", "torch", "--layers", "1", "--hidden", "16", "--heads", "2", "--ffn", "32",
            "--seq-len", "8", "--batch-size", "2", "--vocab-size", "50", "--steps", "2", "--warmup-steps", "1", "--threads", "1");
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Match(@"bench \(torch\).* [1-9]\d* tokens/s"));
    }

    [Test]
    public void AnUnknownEngine_AndCudaWithoutCuda_AreOneLineErrors()
    {
        (int exit, string output) = Run(EvalCommand.Create, "--model", dir.Path, "--data", train, "--engine", "tensorflow");
        Assert.That(exit, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("--engine must be classic or torch"));

        (exit, output) = Run(FinetuneCommand.Create, ["--train", train, "--vocab", vocab, "--out", Path.Combine(dir.Path, "cuda"), "--max-steps", "1", "--device", "cuda", .. TinySize]);
        if (TorchSharp.torch.cuda.is_available()) Assert.Ignore("this machine has CUDA; the refusal is for machines without it");
        Assert.That(exit, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("--device cuda: LibTorch sees no CUDA device"));

        (exit, output) = Run(EvalCommand.Create, "--model", dir.Path, "--data", train, "--device", "cuda");
        Assert.That(exit, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("the classic engine runs on the CPU only"));
    }
}
