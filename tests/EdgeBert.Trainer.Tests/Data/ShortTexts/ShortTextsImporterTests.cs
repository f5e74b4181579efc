using System.Text.Json;
using EdgeBert.Trainer.Commands;
using EdgeBert.Trainer.Data;
using EdgeBert.Trainer.Data.ShortTexts;
using EdgeBert.Trainer.Data.Tasks;
using EdgeBert.Trainer.Tests.Data.Commands;

namespace EdgeBert.Trainer.Tests.Data.ShortTexts;

public class ShortTextsImporterTests
{
    /// <summary>A fixture file as the sentiment package writes it: one JSON array of {"text", "class"}.</summary>
    private static string Fixture(params string[] texts) =>
        JsonSerializer.Serialize(texts.Select((t, i) => new Dictionary<string, object> { ["text"] = t, ["class"] = i % 2 }));

    private static string WriteLayout(TempDirectory dir, string amazon, string imdb, string yelp)
    {
        dir.Write("data/sentiment/test/fixtures/amazon.json", amazon);
        dir.Write("data/sentiment/test/fixtures/imdb.json", imdb);
        dir.Write("data/sentiment/test/fixtures/yelp.json", yelp);
        return Path.Combine(dir.Path, "data");
    }

    [Test]
    public void Select_NormalisesSpace_DropsEmptyLongAndRepeatedTexts_LabelsHamWithTheSource()
    {
        var sources = new List<(string, IReadOnlyList<string>)>
        {
            ("amazon", ["Great  phone,\n works fine.", "   ", "one two three four five six", "See you at lunch"]),
            ("yelp", ["great PHONE, works fine.", "Loved the pho."]),
        };
        var import = ShortTextsImporter.Select(sources, new ShortTextsOptions { MaxWords = 5 });

        Assert.That(import.Examples.Select(e => (e.Text, e.Label, e.View)), Is.EqualTo(new[]
        {
            ("Great phone, works fine.", "ham", "amazon"),
            ("See you at lunch", "ham", "amazon"),
            ("Loved the pho.", "ham", "yelp"),
        }));
        Assert.That(import.Counts, Is.EqualTo(new[]
        {
            new ShortTextsSourceCount("amazon", Read: 4, Kept: 2, Empty: 1, TooLong: 1, Duplicates: 0),
            new ShortTextsSourceCount("yelp", Read: 2, Kept: 1, Empty: 0, TooLong: 0, Duplicates: 1),
        }));
    }

    [Test]
    public void Select_MaxWordsIsInclusive_AndMustBePositive()
    {
        var sources = new List<(string, IReadOnlyList<string>)> { ("imdb", ["a b c", "a b c d"]) };
        Assert.That(ShortTextsImporter.Select(sources, new ShortTextsOptions { MaxWords = 3 }).Examples.Select(e => e.Text), Is.EqualTo(new[] { "a b c" }));
        Assert.Throws<ArgumentException>(() => ShortTextsImporter.Select(sources, new ShortTextsOptions { MaxWords = 0 }));
    }

    [Test]
    public void ReadTexts_MalformedFiles_NameTheFileAndTheProblem()
    {
        using var dir = new TempDirectory();
        var cases = new (string Content, string Message)[]
        {
            ("[{\"text\": \"ok\"", "not a JSON array"),
            ("{\"text\": \"ok\"}", "expected a JSON array"),
            ("[{\"text\": \"ok\"}, \"bare\"]", "item 2: expected an object"),
            ("[{\"text\": \"ok\"}, {\"class\": 1}]", "item 2: \"text\" must be a string"),
            ("[{\"text\": 5}]", "item 1: \"text\" must be a string"),
        };
        foreach (var (content, message) in cases)
        {
            string path = dir.Write("bad.json", content);
            var error = Assert.Throws<DataFormatException>(() => ShortTextsImporter.ReadTexts(path));
            Assert.That(error!.Message, Does.StartWith(path + ":").And.Contain(message), content);
        }
    }

    [Test]
    public void Command_WritesOneHamFileWithSourcesAsViews_FromTheFetchedLayout()
    {
        using var dir = new TempDirectory();
        string data = WriteLayout(dir, Fixture("Good case, excellent value.", "Battery died in a week."),
            Fixture("A fine film.", "A fine   film."), Fixture("Loved this place."));
        string output = Path.Combine(dir.Path, "out", "short-ham.jsonl");
        var console = new CommandTestConsole();
        int exit = CommandTestConsole.Run(ImportShortTextsCommand.Create(console.Console), "--data", data, "--out", output);

        Assert.That(exit, Is.EqualTo(0), console.Output);
        var examples = JsonlTaskFile.Read(output).ToList();
        Assert.That(examples.Select(e => (e.Text, e.View)), Is.EqualTo(new[]
        {
            ("Good case, excellent value.", "amazon"), ("Battery died in a week.", "amazon"), ("A fine film.", "imdb"), ("Loved this place.", "yelp"),
        }));
        Assert.That(examples.Select(e => e.Label).Distinct(), Is.EqualTo(new[] { "ham" }));
        Assert.That(console.Output, Does.Contain("4 short texts (label ham) written to"));
    }

    [Test]
    public void Command_MissingData_ExitsWithOneAndPointsAtFetchData()
    {
        using var dir = new TempDirectory();
        var console = new CommandTestConsole();
        int exit = CommandTestConsole.Run(ImportShortTextsCommand.Create(console.Console), "--data", dir.Path, "--out", Path.Combine(dir.Path, "o.jsonl"));
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(console.Output, Does.Contain("fetch-data.sh"));

        dir.Write("sentiment/test/fixtures/amazon.json", Fixture("x"));
        exit = CommandTestConsole.Run(ImportShortTextsCommand.Create(console.Console), "--data", dir.Path, "--out", Path.Combine(dir.Path, "o.jsonl"));
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(console.Output, Does.Contain("imdb.json: missing"));
    }

    [Test]
    public void Command_MalformedSourceOrBadOption_ExitsWithOneAndWritesNothing()
    {
        using var dir = new TempDirectory();
        string data = WriteLayout(dir, Fixture("fine"), "[{\"text\": ", Fixture("fine too"));
        string output = Path.Combine(dir.Path, "o.jsonl");
        var console = new CommandTestConsole();
        int exit = CommandTestConsole.Run(ImportShortTextsCommand.Create(console.Console), "--data", data, "--out", output);
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(console.Output, Does.Contain("imdb.json").And.Contain("not a JSON array"));
        Assert.That(File.Exists(output), Is.False);

        exit = CommandTestConsole.Run(ImportShortTextsCommand.Create(console.Console), "--data", data, "--out", output, "--max-words", "0");
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(console.Output, Does.Contain("--max-words must be at least 1"));
    }
}
