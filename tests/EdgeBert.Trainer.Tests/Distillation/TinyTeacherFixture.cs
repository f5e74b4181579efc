using System.Globalization;
using EdgeBert.Trainer.Commands;
using EdgeBert.Trainer.Tests.Data;
using EdgeBert.Trainer.Tests.Data.Commands;
using EdgeBert.Trainer.Tests.Training;

namespace EdgeBert.Trainer.Tests.Distillation;

/// <summary>
/// What the end-to-end <c>quantize</c> command tests share: a temporary directory with the tiny
/// task's vocabulary and examples, the trainer thread count restored after each test, a command
/// runner that captures the console, and a tiny FP32 teacher fine-tuned on the examples.
/// </summary>
public abstract class TinyTeacherFixture
{
    /// <summary>The per-test directory.</summary>
    protected TempDirectory Dir { get; private set; } = null!;

    /// <summary>vocab.txt of the tiny task.</summary>
    protected string Vocab { get; private set; } = "";

    /// <summary>The tiny task's examples as JSONL (used as train, dev and test).</summary>
    protected string Train { get; private set; } = "";

    /// <summary>Encoder layers of the teacher.</summary>
    protected virtual int TeacherLayers => 1;

    /// <summary>The teacher's size, threads and seed as command-line options.</summary>
    protected string[] TinySize =>
        ["--layers", TeacherLayers.ToString(CultureInfo.InvariantCulture), "--hidden", "16", "--heads", "2", "--ffn", "32", "--seq-len", "16", "--threads", "1", "--seed", "3"];

    [SetUp]
    public void CreateTinyTask()
    {
        Dir = new TempDirectory();
        Vocab = Dir.Write("vocab.txt", string.Concat(Tiny.Vocabulary.Tokens.Select(t => t + "\n")));
        Train = Dir.Write("train.jsonl", Tiny.JsonLines(Tiny.Examples));
    }

    [TearDown]
    public void RemoveTinyTask()
    {
        Dir.Dispose();
    }

    /// <summary>Runs a command made by <paramref name="create"/> and returns its exit code and console output.</summary>
    protected static (int Exit, string Output) Run(Func<Spectre.Console.IAnsiConsole, System.CommandLine.Command> create, params string[] args)
    {
        var console = new CommandTestConsole();
        int exit = CommandTestConsole.Run(create(console.Console), args);
        return (exit, console.Output);
    }

    /// <summary>Fine-tunes the tiny teacher (seed 3) and returns its best/ directory.</summary>
    protected string Teacher()
    {
        string run = Path.Combine(Dir.Path, "teacher");
        (int exit, string output) = Run(FinetuneCommand.Create,
            ["--train", Train, "--dev", Train, "--vocab", Vocab, "--out", run, "--epochs", "30", "--batch-size", "4", "--lr", "1e-2", "--dropout", "0", .. TinySize]);
        Assert.That(exit, Is.EqualTo(0), output);
        return Path.Combine(run, "best");
    }
}
