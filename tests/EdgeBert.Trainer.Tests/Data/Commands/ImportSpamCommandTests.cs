using EdgeBert.Trainer.Commands;
using EdgeBert.Trainer.Data.Tasks;
using static EdgeBert.Trainer.Tests.Data.MailFixtures;

namespace EdgeBert.Trainer.Tests.Data.Commands;

public class ImportSpamCommandTests
{
    [Test]
    public void ImportSpam_WritesThreeJsonlSplits()
    {
        using var dir = new TempDirectory();
        for (int i = 0; i < 60; i++)
        {
            var group = i % 3 == 0 ? "spam-1" : "easy-ham-1";
            dir.Write($"data/spam-assassin/data/{group}/{i:D5}.txt", Simple($"key-{i}@example.com", $"subject {i}", $"body number {i}"));
        }
        var console = new CommandTestConsole();
        var output = Path.Combine(dir.Path, "out");
        int exit = CommandTestConsole.Run(DataCommands.CreateImportSpamAssassin(console.Console),
            "--data", Path.Combine(dir.Path, "data"), "--out", output);

        Assert.That(exit, Is.EqualTo(0), console.Output);
        var splits = new[] { "train", "dev", "test" }
            .Select(s => JsonlTaskFile.Read(Path.Combine(output, s + ".jsonl")).ToList()).ToList();
        // Three views of each of the 60 mails (whole, subject, first 25 words), each in its mail's split.
        Assert.That(splits.Sum(s => s.Count), Is.EqualTo(180));
        Assert.That(splits.SelectMany(s => s).GroupBy(e => e.View).Select(g => (g.Key, g.Count(), g.Count(e => e.Label == "spam"))),
            Is.EquivalentTo(new[] { ("whole", 60, 20), ("subject", 60, 20), ("first25", 60, 20) }));
        Assert.That(splits[2].Where(e => e.View == "subject").Select(e => e.Text), Does.Contain("subject 2"));
        // key-2 hashes to test, key-40 to dev (see DataSplitterTests).
        Assert.That(splits[2].Select(e => e.Text), Does.Contain("subject 2 body number 2"));
        Assert.That(splits[1].Select(e => e.Text), Does.Contain("subject 40 body number 40"));
        Assert.That(console.Output, Does.Contain("60 files read, 60 kept"));
    }

    [Test]
    public void ImportSpam_MissingCorpus_ExitsWithOneAndExplains()
    {
        using var dir = new TempDirectory();
        var console = new CommandTestConsole();
        int exit = CommandTestConsole.Run(DataCommands.CreateImportSpamAssassin(console.Console),
            "--data", dir.Path, "--out", Path.Combine(dir.Path, "out"));
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(console.Output, Does.Contain("No SpamAssassin corpus").And.Contain("fetch-data.sh"));
    }

    [TestCase("--max-chars", "0", "--max-chars must be positive")]
    [TestCase("--dev", "0.7", "sum to at most 1")]
    [TestCase("--views", "whole,body", "unknown view 'body'")]
    [TestCase("--first-words", "0", "--first-words must be positive")]
    public void ImportSpam_BadOptions_ExitWithOne(string option, string value, string message)
    {
        using var dir = new TempDirectory();
        var console = new CommandTestConsole();
        int exit = CommandTestConsole.Run(DataCommands.CreateImportSpamAssassin(console.Console),
            "--data", dir.Path, option, value, "--test", "0.5");
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(console.Output, Does.Contain(message));
    }
}
