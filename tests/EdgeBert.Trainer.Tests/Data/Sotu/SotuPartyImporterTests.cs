using System.Text.Json;
using EdgeBert.Trainer.Commands;
using EdgeBert.Trainer.Data;
using EdgeBert.Trainer.Data.Sotu;
using EdgeBert.Trainer.Data.Tasks;
using EdgeBert.Trainer.Tests.Data.Commands;

namespace EdgeBert.Trainer.Tests.Data.Sotu;

public class SotuPartyImporterTests
{
    private static string Address(int year, string party, string text) =>
        JsonSerializer.Serialize(new Dictionary<string, object> { ["year"] = year, ["name"] = "P", ["party"] = party, ["text"] = text });

    private static string Sentences(int count, int wordsEach, string tag) =>
        string.Join(' ', Enumerable.Range(0, count).Select(i => string.Join(' ', Enumerable.Range(0, wordsEach).Select(w => $"{tag}{i}w{w}")) + "."));

    [Test]
    public void Passages_EndAtTheFirstSentenceEndAfterTheMinimum_AndKeepEveryWord()
    {
        string text = Sentences(7, 5, "s"); // 35 words, sentences of 5
        var passages = SotuPartyImporter.Passages(text, minWords: 12);
        // 15 words (3 sentences), 15 words, then a 5-word remainder joins the last passage.
        Assert.That(passages.Select(p => p.Split(' ').Length), Is.EqualTo(new[] { 15, 20 }));
        Assert.That(string.Join(' ', passages), Is.EqualTo(text));
        Assert.That(passages.All(p => p.EndsWith('.')));
    }

    [Test]
    public void Passages_TextWithoutSentenceEnd_IsOnePassage()
    {
        Assert.That(SotuPartyImporter.Passages("no end here at all", 2), Is.EqualTo(new[] { "no end here at all" }));
        Assert.That(SotuPartyImporter.Passages("   ", 2), Is.Empty);
    }

    [Test]
    public void Import_KeepsOnlyDemocraticAndRepublican_CapsPassages_SplitsByAddress()
    {
        var addresses = new List<(string, SotuAddress)>
        {
            ("1801_a_n.json", new SotuAddress(1801, "A", "Democratic-Republican", Sentences(10, 50, "a"))),
            ("1935_b_d.json", new SotuAddress(1935, "B", "Democratic", Sentences(10, 50, "b"))),
            ("1955_c_r.json", new SotuAddress(1955, "C", "Republican", Sentences(3, 50, "c"))),
        };
        var passages = SotuPartyImporter.Import(addresses, new SotuPartyOptions { PassageWords = 48, MaxPassagesPerAddress = 4 });
        Assert.That(passages.Count(p => p.Example.Label == SotuPartyImporter.Democratic), Is.EqualTo(4), "10 passages capped at 4");
        Assert.That(passages.Count(p => p.Example.Label == SotuPartyImporter.Republican), Is.EqualTo(3));
        Assert.That(passages.Select(p => p.Address), Has.None.EqualTo("1801_a_n.json"));
        foreach (var group in passages.GroupBy(p => p.Address))
        {
            Assert.That(group.Select(p => p.Split).Distinct().Count(), Is.EqualTo(1), $"{group.Key}: one split per address");
            Assert.That(group.First().Split, Is.EqualTo(DataSplitter.Assign(group.Key)));
        }
        // Evenly spread: passages 0, 2, 5, 7 of the ten.
        Assert.That(passages.Where(p => p.Address == "1935_b_d.json").Select(p => p.Example.Text.Split(' ')[0]),
            Is.EqualTo(new[] { "b0w0", "b2w0", "b5w0", "b7w0" }));
    }

    [Test]
    public void Command_WritesThreeSplits_FromTheFetchedLayout()
    {
        using var dir = new TempDirectory();
        for (int i = 0; i < 30; i++)
            dir.Write($"data/stdlib/sotu/data/{1900 + i}_p{i}_{(i % 2 == 0 ? "d" : "r")}.json", Address(1900 + i, i % 2 == 0 ? "Democratic" : "Republican", Sentences(4, 50, $"x{i}")));
        dir.Write("data/stdlib/sotu/data/1900_p_w.json", Address(1900, "Whig", Sentences(4, 50, "w")));
        var console = new CommandTestConsole();
        string output = Path.Combine(dir.Path, "out");
        int exit = CommandTestConsole.Run(ImportSotuCommand.Create(console.Console), "--data", Path.Combine(dir.Path, "data"), "--out", output);
        Assert.That(exit, Is.EqualTo(0), console.Output);
        var splits = new[] { "train", "dev", "test" }.Select(s => JsonlTaskFile.Read(Path.Combine(output, s + ".jsonl")).ToList()).ToList();
        Assert.That(splits.Sum(s => s.Count), Is.EqualTo(30 * 4));
        Assert.That(splits.SelectMany(s => s).Count(e => e.Label == "democratic"), Is.EqualTo(60));
        Assert.That(console.Output, Does.Contain("31 addresses read, 30 Democratic or Republican, 120 passages"));
    }

    [Test]
    public void Command_MissingCorpus_ExitsWithOneAndExplains()
    {
        using var dir = new TempDirectory();
        var console = new CommandTestConsole();
        int exit = CommandTestConsole.Run(ImportSotuCommand.Create(console.Console), "--data", dir.Path, "--out", Path.Combine(dir.Path, "out"));
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(console.Output, Does.Contain("fetch-data.sh"));
    }

    [Test]
    public void Command_MalformedAddress_ExitsWithOneNamingTheFile()
    {
        using var dir = new TempDirectory();
        dir.Write("data/stdlib/sotu/data/1990_x_r.json", "{\"year\": 1990, \"party\": ");
        var console = new CommandTestConsole();
        int exit = CommandTestConsole.Run(ImportSotuCommand.Create(console.Console), "--data", Path.Combine(dir.Path, "data"), "--out", Path.Combine(dir.Path, "out"));
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(console.Output, Does.Contain("1990_x_r.json"));
    }

    [TestCase("--passage-words", "0", "--passage-words must be positive")]
    [TestCase("--dev", "0.95", "sum to at most 1")]
    public void Command_BadOptions_ExitWithOne(string option, string value, string message)
    {
        using var dir = new TempDirectory();
        var console = new CommandTestConsole();
        int exit = CommandTestConsole.Run(ImportSotuCommand.Create(console.Console), "--data", dir.Path, option, value);
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(console.Output, Does.Contain(message));
    }
}
