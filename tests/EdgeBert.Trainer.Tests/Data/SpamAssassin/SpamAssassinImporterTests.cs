using EdgeBert.Trainer.Data;
using EdgeBert.Trainer.Data.SpamAssassin;
using static EdgeBert.Trainer.Tests.Data.MailFixtures;

namespace EdgeBert.Trainer.Tests.Data.SpamAssassin;

public class SpamAssassinImporterTests
{
    private const string Ham = SpamAssassinImporter.Ham;
    private const string Spam = SpamAssassinImporter.Spam;

    private static List<(string, byte[], string)> GeneratedCorpus(int count, int seed)
    {
        var random = new Random(seed);
        var messages = new List<(string, byte[], string)>();
        for (int i = 0; i < count; i++)
        {
            bool spam = random.Next(3) == 0;
            var body = string.Join(' ', Enumerable.Range(0, 8).Select(_ => "w" + random.Next(100_000)));
            messages.Add(($"{(spam ? "spam-1" : "easy-ham-1")}/{i:D5}.txt",
                Simple($"{i}.{seed}@example.com", spam ? "WIN MONEY" : "Re: build", body), spam ? Spam : Ham));
        }
        return messages;
    }

    [Test]
    public void Import_ExtractsNormalisedSubjectAndBody()
    {
        var import = SpamAssassinImporter.Import([("g/1", Simple("id1@x", "Hello   there", "Line one.\n\n  Line two."), Ham)]);
        Assert.That(import.Messages.Single().Text, Is.EqualTo("Hello there Line one. Line two."));
        Assert.That(import.Messages.Single().Label, Is.EqualTo(Ham));
    }

    [Test]
    public void Import_SplitKeyIsTheMessageId_ElseTheName()
    {
        var withId = Simple("key-2@example.com", "s", "with id");
        var withoutId = Ascii(Lf("Subject: s", "", "without id"));
        var import = SpamAssassinImporter.Import([("g/a", withId, Ham), ("g/b", withoutId, Spam)]);
        Assert.That(import.Messages[0].Key, Is.EqualTo("key-2@example.com"));
        Assert.That(import.Messages[0].Split, Is.EqualTo(DataSplit.Test), "bucket 502 per DataSplitterTests");
        Assert.That(import.Messages[1].Key, Is.EqualTo("g/b"));
    }

    [Test]
    public void Import_DropsDuplicateTextsAndEmptyMessages()
    {
        var import = SpamAssassinImporter.Import([
            ("g/1", Simple("a@x", "same", "same body"), Ham),
            ("g/2", Simple("b@x", "same", "same   body"), Ham),    // same text after normalisation
            ("g/3", Simple("c@x", "same", "same body"), Spam),     // same text, other label
            ("g/4", Ascii(Lf("X-Empty: 1", "", "   ")), Spam),
            ("g/5", Simple("d@x", "other", "other body"), Spam),
        ]);
        Assert.That(import.FilesRead, Is.EqualTo(5));
        Assert.That(import.Messages.Select(m => m.Source), Is.EqualTo(new[] { "g/1", "g/5" }));
        Assert.That(import.DuplicatesSkipped, Is.EqualTo(2));
        Assert.That(import.LabelConflicts, Is.EqualTo(1));
        Assert.That(import.EmptySkipped, Is.EqualTo(1));
    }

    [Test]
    public void Import_IsDeterministic_AndIndependentOfOrder()
    {
        const int seed = 7;
        var corpus = GeneratedCorpus(500, seed);
        var first = SpamAssassinImporter.Import(corpus);
        var again = SpamAssassinImporter.Import(corpus);
        var reversed = SpamAssassinImporter.Import(Enumerable.Reverse(corpus));
        Assert.That(again.Messages, Is.EqualTo(first.Messages), $"500 messages, seed {seed}");
        var splitByKey = first.Messages.ToDictionary(m => m.Key, m => m.Split);
        Assert.That(reversed.Messages.All(m => splitByKey[m.Key] == m.Split), Is.True, $"seed {seed}");
    }

    [Test]
    public void Import_SplitsAreDisjointAndCoverEverything()
    {
        const int seed = 11;
        var import = SpamAssassinImporter.Import(GeneratedCorpus(1000, seed));
        var train = import.Examples(DataSplit.Train).Select(e => e.Text).ToHashSet();
        var dev = import.Examples(DataSplit.Dev).Select(e => e.Text).ToHashSet();
        var test = import.Examples(DataSplit.Test).Select(e => e.Text).ToHashSet();
        Assert.That(train.Overlaps(dev) || train.Overlaps(test) || dev.Overlaps(test), Is.False, $"seed {seed}");
        Assert.That(train.Count + dev.Count + test.Count, Is.EqualTo(import.Messages.Count), $"seed {seed}");
        Assert.That(dev, Is.Not.Empty);
        Assert.That(test, Is.Not.Empty);
        Assert.That(import.Count(Ham) + import.Count(Spam), Is.EqualTo(import.Messages.Count));
    }

    [Test]
    public void Import_CapsTheLength()
    {
        var body = string.Join(' ', Enumerable.Repeat("word", 1000));
        var import = SpamAssassinImporter.Import([("g/1", Simple("a@x", "s", body), Ham)], new SpamAssassinOptions { MaxChars = 100 });
        Assert.That(import.Messages.Single().Text.Length, Is.LessThanOrEqualTo(100));
        Assert.That(import.Messages.Single().Text, Does.EndWith("word"));
    }

    [Test]
    public void Import_RejectsUnknownLabels() =>
        Assert.That(() => SpamAssassinImporter.Import([("g/1", Simple("a@x", "s", "b"), "maybe")]),
            Throws.ArgumentException.With.Message.Contains("'maybe'").And.Message.Contains("g/1"));

    [Test]
    public void FindSources_ReadsTheStdlibPackageLayout()
    {
        using var dir = new TempDirectory();
        dir.Write("spam-assassin/data/easy-ham-1/00002.bbb.txt", "Subject: b\n\nham two");
        dir.Write("spam-assassin/data/easy-ham-1/00001.aaa.txt", "Subject: a\n\nham one");
        dir.Write("spam-assassin/data/easy-ham-1/00001.aaa.json", "{}");
        dir.Write("spam-assassin/data/spam-2/00001.ccc.txt", "Subject: c\n\nspam one");
        dir.Write("spam-assassin/data/file_list.json", "[]");
        var sources = SpamAssassinImporter.FindSources(dir.Path);
        Assert.That(sources.Select(s => (s.Name, s.Label)), Is.EqualTo(new[]
        {
            ("easy-ham-1/00001.aaa.txt", Ham), ("easy-ham-1/00002.bbb.txt", Ham), ("spam-2/00001.ccc.txt", Spam),
        }));
        var import = SpamAssassinImporter.ImportDirectory(dir.Path);
        Assert.That(import.Messages.Select(m => m.Text), Is.EqualTo(new[] { "a ham one", "b ham two", "c spam one" }));
    }

    [Test]
    public void FindSources_ReadsTheOriginalCorpusLayout()
    {
        using var dir = new TempDirectory();
        dir.Write("spam/0001.abc", "Subject: s\n\nbody");
        dir.Write("spam/cmds", "mv 0001 0001.abc");
        dir.Write("easy_ham/0001.def", "Subject: h\n\nbody");
        var sources = SpamAssassinImporter.FindSources(dir.Path);
        Assert.That(sources.Select(s => s.Name), Is.EqualTo(new[] { "easy_ham/0001.def", "spam/0001.abc" }));
    }

    [Test]
    public void FindSources_MissingCorpus_SaysWhatToDo()
    {
        using var dir = new TempDirectory();
        Assert.That(() => SpamAssassinImporter.FindSources(dir.Path),
            Throws.TypeOf<DirectoryNotFoundException>().With.Message.Contains("scripts/fetch-data.sh"));
    }
}
