using EdgeBert.Trainer.Commands;
using EdgeBert.Trainer.Data;
using EdgeBert.Trainer.Data.Tasks;
using EdgeBert.Trainer.Tests.Data.Commands;
using static EdgeBert.Trainer.Tests.Data.Prose.ProseFixtures;

namespace EdgeBert.Trainer.Tests.Data.Prose;

public class ImportProseHamCommandTests
{
    /// <summary>A small import-spam output: mails in three views, labels ham/spam.</summary>
    private static string SpamTask(TempDirectory dir, string labelHam = "ham", string labelSpam = "spam")
    {
        string task = Path.Combine(dir.Path, "spam");
        foreach (var (split, n) in new[] { ("train", 30), ("dev", 6), ("test", 7) })
        {
            JsonlTaskFile.Write(Path.Combine(task, split + ".jsonl"), Enumerable.Range(0, n).Select(i =>
                new LabeledExample($"{split} mail {i} — “quoted” text", i % 3 == 0 ? labelSpam : labelHam) { View = i % 2 == 0 ? "whole" : "subject" }));
        }
        return task;
    }

    private static (int Exit, string Output) Run(params string[] args)
    {
        var console = new CommandTestConsole();
        int exit = CommandTestConsole.Run(ImportProseHamCommand.Create(console.Console), args);
        return (exit, console.Output);
    }

    [Test]
    public void MergeWith_AddsProseToTrainAndDev_CopiesTestUnchanged()
    {
        using var dir = new TempDirectory();
        string task = SpamTask(dir);
        string output = Path.Combine(dir.Path, "out");
        var (exit, text) = Run("--corpus", WriteCorpus(dir, "alpha", 20), WriteCorpus(dir, "beta", 20), "--merge-with", task, "--out", output,
            "--train-count", "40", "--dev-count", "8", "--dev-fraction", "0.2", "--seed", "3", "--examples", "2");

        Assert.That(exit, Is.EqualTo(0), text);
        Assert.That(File.ReadAllBytes(Path.Combine(output, "test.jsonl")), Is.EqualTo(File.ReadAllBytes(Path.Combine(task, "test.jsonl"))));
        var proseTrain = JsonlTaskFile.Read(Path.Combine(output, "prose-train.jsonl")).ToList();
        var proseDev = JsonlTaskFile.Read(Path.Combine(output, "prose-dev.jsonl")).ToList();
        Assert.That(proseTrain, Has.Count.EqualTo(40));
        Assert.That(proseDev, Has.Count.EqualTo(8));
        Assert.That(proseTrain.Concat(proseDev), Is.All.Matches<LabeledExample>(e => e.Label == "ham" && e.View == "prose"));
        foreach (string split in new[] { "train", "dev" })
        {
            // The merged file holds exactly the task's lines (unchanged) and the prose lines, mixed.
            var merged = File.ReadAllLines(Path.Combine(output, split + ".jsonl"));
            var expected = File.ReadAllLines(Path.Combine(task, split + ".jsonl")).Concat(File.ReadAllLines(Path.Combine(output, $"prose-{split}.jsonl")));
            Assert.That(merged, Is.EquivalentTo(expected), split);
            Assert.That(merged, Is.Not.EqualTo(expected), $"{split} is shuffled");
        }
        Assert.That(text, Does.Contain("alpha").And.Contain("beta").And.Contain("examples from alpha (train):").And.Contain("test.jsonl 7 (copied)"));
    }

    [Test]
    public void WithoutMerge_WritesOnlyTheProseFiles_SameBytesForTheSameSeed()
    {
        using var dir = new TempDirectory();
        string corpus = WriteCorpus(dir, "alpha", 20);
        string first = Path.Combine(dir.Path, "first"), second = Path.Combine(dir.Path, "second");
        Assert.That(Run("--corpus", corpus, "--out", first, "--train-count", "30", "--dev-count", "5").Exit, Is.EqualTo(0));
        Assert.That(Run("--corpus", corpus, "--out", second, "--train-count", "30", "--dev-count", "5").Exit, Is.EqualTo(0));

        Assert.That(Directory.GetFiles(first).Select(Path.GetFileName), Is.EquivalentTo(new[] { "prose-train.jsonl", "prose-dev.jsonl" }));
        Assert.That(File.ReadAllBytes(Path.Combine(second, "prose-train.jsonl")), Is.EqualTo(File.ReadAllBytes(Path.Combine(first, "prose-train.jsonl"))));
        Assert.That(File.ReadAllBytes(Path.Combine(second, "prose-dev.jsonl")), Is.EqualTo(File.ReadAllBytes(Path.Combine(first, "prose-dev.jsonl"))));
    }

    [Test]
    public void MergeWith_BadTaskDirectory_ExitsWithOneAndExplains()
    {
        using var dir = new TempDirectory();
        string corpus = WriteCorpus(dir, "alpha", 20);
        string task = SpamTask(dir);
        var (exit, text) = Run("--corpus", corpus, "--merge-with", task, "--out", task, "--train-count", "10", "--dev-count", "2");
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(text, Does.Contain("is the --merge-with directory"));
        Assert.That(File.Exists(Path.Combine(task, "prose-train.jsonl")), Is.False, "nothing written into the task directory");

        File.Delete(Path.Combine(task, "test.jsonl"));
        (exit, text) = Run("--corpus", corpus, "--merge-with", task, "--out", Path.Combine(dir.Path, "out"), "--train-count", "10", "--dev-count", "2");
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(text, Does.Contain("test.jsonl: missing"));
        Assert.That(Directory.Exists(Path.Combine(dir.Path, "out")), Is.False, "nothing written when the task is incomplete");

        using var numeric = new TempDirectory();
        string numericTask = SpamTask(numeric, "0", "1");
        (exit, text) = Run("--corpus", WriteCorpus(numeric, "alpha", 20), "--merge-with", numericTask, "--out", Path.Combine(numeric.Path, "out"), "--train-count", "10", "--dev-count", "2");
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(text, Does.Contain("have no 'ham'"));
    }

    [TestCase("--min-words", "0", "--min-words must be at least 1")]
    [TestCase("--max-words", "2", "--max-words must be at least --min-words")]
    [TestCase("--dev-fraction", "1.5", "--dev-fraction must lie in [0, 1]")]
    [TestCase("--train-count", "100000", "distinct ones; lower --train-count")]
    [TestCase("--examples", "-1", "--examples must not be negative")]
    public void BadOptions_ExitWithOne(string option, string value, string message)
    {
        using var dir = new TempDirectory();
        var (exit, text) = Run("--corpus", WriteCorpus(dir, "alpha", 20), "--out", Path.Combine(dir.Path, "out"), option, value);
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(text, Does.Contain(message));
    }

    [Test]
    public void MissingCorpus_ExitsWithOne()
    {
        using var dir = new TempDirectory();
        var (exit, text) = Run("--corpus", Path.Combine(dir.Path, "nowhere"), "--out", Path.Combine(dir.Path, "out"));
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(text, Does.Contain("no such corpus directory"));
    }
}
