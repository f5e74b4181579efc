using EdgeBert.Trainer.Commands;
using EdgeBert.Trainer.Data;
using EdgeBert.Trainer.Data.Prose;
using EdgeBert.Trainer.Data.Tasks;
using EdgeBert.Trainer.Tests.Data.Commands;

namespace EdgeBert.Trainer.Tests.Data.Prose;

public class MailSnippetsTests
{
    /// <summary>Mail <paramref name="i"/>'s body: ten distinct sentences of 5–9 words.</summary>
    private static string Body(int i) =>
        string.Join(' ', Enumerable.Range(0, 10).Select(s => $"Mail {i} says sentence {s}" + string.Concat(Enumerable.Repeat(" more", (i + s) % 5)) + "."));

    /// <summary>Mails in three views; every third one spam.</summary>
    private static List<LabeledExample> Mails(int count) =>
        Enumerable.Range(0, count).SelectMany(i => new[]
        {
            new LabeledExample(Body(i), i % 3 == 0 ? "spam" : "ham") { View = "whole" },
            new LabeledExample($"Subject of mail {i}", i % 3 == 0 ? "spam" : "ham") { View = "subject" },
        }).ToList();

    [Test]
    public void Cut_TakesUpToPerMailSnippetsOfEachWholeMail_WithItsLabel()
    {
        var mails = Mails(12);
        var snippets = MailSnippets.Cut(mails, perMail: 2, new ProseHamOptions { Seed = 5 });

        Assert.That(snippets, Has.Count.EqualTo(24), "ten sentences give at least two snippets per mail");
        Assert.That(snippets, Is.All.Matches<LabeledExample>(s => s.View == MailSnippets.View));
        foreach (var snippet in snippets)
        {
            // "Mail 7 says ..." names its mail: the snippet lies in that mail's body and has its label.
            int mail = int.Parse(snippet.Text.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            Assert.That(Body(mail), Does.Contain(snippet.Text));
            Assert.That(snippet.Label, Is.EqualTo(mail % 3 == 0 ? "spam" : "ham"));
            Assert.That(snippet.Text, Does.Not.StartWith("Subject"), "only whole mails are cut");
        }
        Assert.That(snippets.GroupBy(s => s.Text.Split(' ')[1]).Select(g => g.Count()), Is.All.EqualTo(2));
        Assert.That(snippets.Select(s => s.Text).Distinct().Count(), Is.EqualTo(snippets.Count));
    }

    [Test]
    public void Cut_SameSeedSameSnippets_OtherSeedOthers()
    {
        var mails = Mails(6);
        var first = MailSnippets.Cut(mails, 3, new ProseHamOptions { Seed = 1 }).Select(s => s.Text).ToList();
        var again = MailSnippets.Cut(mails, 3, new ProseHamOptions { Seed = 1 }).Select(s => s.Text).ToList();
        var other = MailSnippets.Cut(mails, 3, new ProseHamOptions { Seed = 2 }).Select(s => s.Text).ToList();
        Assert.That(again, Is.EqualTo(first));
        Assert.That(other, Is.Not.EqualTo(first));
    }

    [Test]
    public void Cut_WithLabels_CutsOnlyThoseMails_AndTheSameSnippetsOfThem()
    {
        var mails = Mails(12);
        var options = new ProseHamOptions { Seed = 5 };
        var all = MailSnippets.Cut(mails, 2, options);
        var hamOnly = MailSnippets.Cut(mails, 2, options, new HashSet<string> { "ham" });

        Assert.That(hamOnly, Has.Count.EqualTo(16), "8 ham mails of 12, two snippets each");
        Assert.That(hamOnly, Is.All.Matches<LabeledExample>(s => s.Label == "ham"));
        // A mail's snippets depend on its place in the file, not on which other mails are cut.
        Assert.That(hamOnly.Select(s => s.Text), Is.EqualTo(all.Where(s => s.Label == "ham").Select(s => s.Text)));
        Assert.That(() => MailSnippets.Cut(mails, 2, options, new HashSet<string>()), Throws.ArgumentException.With.Message.Contains("--labels names no label"));
    }

    [Test]
    public void Cut_RejectsAPerMailBelowOne() =>
        Assert.That(() => MailSnippets.Cut(Mails(2), 0, new ProseHamOptions()), Throws.ArgumentException.With.Message.Contains("--per-mail must be at least 1"));

    [Test]
    public void Command_AddsSnippetsToTrain_CopiesDevAndTest()
    {
        using var dir = new TempDirectory();
        string task = Path.Combine(dir.Path, "task"), output = Path.Combine(dir.Path, "out");
        JsonlTaskFile.Write(Path.Combine(task, "train.jsonl"), Mails(9));
        JsonlTaskFile.Write(Path.Combine(task, "dev.jsonl"), Mails(2));
        JsonlTaskFile.Write(Path.Combine(task, "test.jsonl"), Mails(3));
        var console = new CommandTestConsole();
        int exit = CommandTestConsole.Run(ImportMailSnippetsCommand.Create(console.Console), ["--task", task, "--out", output, "--per-mail", "1"]);

        Assert.That(exit, Is.EqualTo(0), console.Output);
        foreach (string file in new[] { "dev.jsonl", "test.jsonl" })
            Assert.That(File.ReadAllBytes(Path.Combine(output, file)), Is.EqualTo(File.ReadAllBytes(Path.Combine(task, file))), file);
        var snippetLines = File.ReadAllLines(Path.Combine(output, "snippet-train.jsonl"));
        Assert.That(snippetLines, Has.Length.EqualTo(9));
        Assert.That(File.ReadAllLines(Path.Combine(output, "train.jsonl")), Is.EquivalentTo(File.ReadAllLines(Path.Combine(task, "train.jsonl")).Concat(snippetLines)));
        Assert.That(console.Output, Does.Contain("wrote 9 snippets"));
    }

    [Test]
    public void Command_SameDirectoryOrMissingSplit_ExitsWithOne()
    {
        using var dir = new TempDirectory();
        string task = Path.Combine(dir.Path, "task");
        JsonlTaskFile.Write(Path.Combine(task, "train.jsonl"), Mails(3));
        JsonlTaskFile.Write(Path.Combine(task, "dev.jsonl"), Mails(1));
        var console = new CommandTestConsole();
        Assert.That(CommandTestConsole.Run(ImportMailSnippetsCommand.Create(console.Console), ["--task", task, "--out", Path.Combine(dir.Path, "out")]), Is.EqualTo(1));
        Assert.That(console.Output, Does.Contain("test.jsonl: missing"));
        JsonlTaskFile.Write(Path.Combine(task, "test.jsonl"), Mails(1));
        console = new CommandTestConsole();
        Assert.That(CommandTestConsole.Run(ImportMailSnippetsCommand.Create(console.Console), ["--task", task, "--out", task]), Is.EqualTo(1));
        Assert.That(console.Output, Does.Contain("is the --task directory"));
    }
}
