using EdgeBert.Trainer.Commands;

namespace EdgeBert.Trainer.Tests.Data.Commands;

public class VocabCommandTests
{
    [Test]
    public void Vocab_TrainsFromTextFilesDirectoriesAndJsonl()
    {
        using var dir = new TempDirectory();
        var text = dir.Write("corpus/a.txt", string.Join('\n', Enumerable.Repeat("The whale and the ship.", 50)));
        dir.Write("more/b.txt", string.Join("\n\n", Enumerable.Repeat("Call me Ishmael.", 20)));
        var jsonl = dir.Write("spam/train.jsonl", string.Join('\n', Enumerable.Repeat("{\"text\":\"FREE money\",\"label\":\"spam\"}", 20)));
        var output = Path.Combine(dir.Path, "vocab.txt");
        var console = new CommandTestConsole();

        int exit = CommandTestConsole.Run(VocabCommand.Create(console.Console),
            "--corpus", text, Path.Combine(dir.Path, "more"), jsonl, "--size", "60", "--out", output, "--lowercase");

        Assert.That(exit, Is.EqualTo(0), console.Output);
        var vocab = File.ReadAllLines(output);
        Assert.That(vocab.Take(5), Is.EqualTo(new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" }));
        Assert.That(vocab, Has.Length.LessThanOrEqualTo(60));
        Assert.That(vocab, Does.Contain("the").And.Contain("whale").And.Contain("free"));
        Assert.That(vocab, Does.Not.Contain("T"), "--lowercase");
        Assert.That(console.Output, Does.Contain("3 files"));
    }

    [Test]
    public void Vocab_MissingCorpusOption_IsAParseError()
    {
        var console = new CommandTestConsole();
        Assert.That(CommandTestConsole.Run(VocabCommand.Create(console.Console), "--size", "100"), Is.Not.EqualTo(0));
    }

    [Test]
    public void Vocab_MissingCorpusPath_ExitsWithOne()
    {
        using var dir = new TempDirectory();
        var console = new CommandTestConsole();
        int exit = CommandTestConsole.Run(VocabCommand.Create(console.Console),
            "--corpus", Path.Combine(dir.Path, "nope.txt"), "--out", Path.Combine(dir.Path, "v.txt"));
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(console.Output, Does.Contain("neither a file nor a directory"));
    }

    [Test]
    public void Vocab_MalformedJsonl_ReportsFileAndLine()
    {
        using var dir = new TempDirectory();
        var bad = dir.Write("bad.jsonl", "{\"text\":\"ok\",\"label\":\"a\"}\nnot json\n");
        var console = new CommandTestConsole();
        int exit = CommandTestConsole.Run(VocabCommand.Create(console.Console),
            "--corpus", bad, "--out", Path.Combine(dir.Path, "v.txt"));
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(console.Output, Does.Contain("bad.jsonl:2:"));
    }
}
