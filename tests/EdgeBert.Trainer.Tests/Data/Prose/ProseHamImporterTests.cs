using EdgeBert.Trainer.Data;
using EdgeBert.Trainer.Data.Prose;
using static EdgeBert.Trainer.Tests.Data.Prose.ProseFixtures;

namespace EdgeBert.Trainer.Tests.Data.Prose;

public class ProseHamImporterTests
{
    private static readonly ProseHamOptions Small = new() { TrainCount = 100, DevCount = 20, DevFraction = 0.2, Seed = 7 };

    private static ProseHamImport Run(ProseHamOptions options, params string[] directories) =>
        ProseHamImporter.Import(ProseHamImporter.ReadCorpora(directories, options), options);

    [Test]
    public void Import_SnippetsStayWithinTheWordBounds_MostAreOneSentence_AllHamProse()
    {
        using var dir = new TempDirectory();
        var options = Small with { MinWords = 9, MaxWords = 20 };
        var import = Run(options, WriteCorpus(dir, "alpha", 20));
        var all = import.Train.Concat(import.Dev).ToList();

        Assert.That(all, Has.Count.EqualTo(120));
        Assert.That(all.Select(s => s.Words), Is.All.InRange(9, 20));
        Assert.That(all.Select(s => s.Words), Is.EqualTo(all.Select(s => ProseSentences.WordCount(s.Text))));
        Assert.That(all.Select(s => s.Sentences), Is.All.InRange(1, 3));
        Assert.That(all.Count(s => s.Sentences == 1), Is.GreaterThan(all.Count / 2));
        Assert.That(all.Count(s => s.Sentences > 1), Is.GreaterThan(0));
        Assert.That(all.Select(s => s.Text), Has.None.Contain("CHAPTER").And.None.Contain("\n").And.None.Contain("  "));
        Assert.That(all.Select(s => s.ToExample()), Is.All.Matches<LabeledExample>(e => e.Label == "ham" && e.View == "prose"));
    }

    [Test]
    public void Import_NoDocumentGivesSnippetsToBothSplits()
    {
        using var dir = new TempDirectory();
        var import = Run(Small, WriteCorpus(dir, "alpha", 20), WriteCorpus(dir, "beta", 20));

        var trainDocuments = import.Train.Select(s => (s.Source, s.Document)).ToHashSet();
        var devDocuments = import.Dev.Select(s => (s.Source, s.Document)).ToHashSet();
        Assert.That(trainDocuments.Overlaps(devDocuments), Is.False);
        Assert.That(import.Train.Select(s => s.Split), Is.All.EqualTo(DataSplit.Train));
        Assert.That(import.Dev.Select(s => s.Split), Is.All.EqualTo(DataSplit.Dev));
        // 20 documents × 0.2 = 4 dev documents per corpus.
        Assert.That(import.Counts.Select(c => (c.TrainDocuments, c.DevDocuments)), Is.All.EqualTo((16, 4)));
    }

    [Test]
    public void Import_IsDeterministicForASeed_AndChangesWithIt()
    {
        using var dir = new TempDirectory();
        string alpha = WriteCorpus(dir, "alpha", 20), beta = WriteCorpus(dir, "beta", 20);
        var first = Run(Small, alpha, beta);
        var again = Run(Small, alpha, beta);
        var other = Run(Small with { Seed = 8 }, alpha, beta);

        Assert.That(again.Train.Select(s => s.Text), Is.EqualTo(first.Train.Select(s => s.Text)));
        Assert.That(again.Dev.Select(s => s.Text), Is.EqualTo(first.Dev.Select(s => s.Text)));
        Assert.That(other.Train.Select(s => s.Text), Is.Not.EqualTo(first.Train.Select(s => s.Text)));
        Assert.That(other.Dev.Select(s => s.Document).ToHashSet(), Is.Not.EquivalentTo(first.Dev.Select(s => s.Document).ToHashSet()));
    }

    [Test]
    public void Import_SharesEachSplitEvenlyBetweenTheCorpora_AndMixesThem()
    {
        using var dir = new TempDirectory();
        var import = Run(Small with { TrainCount = 101, DevCount = 10 }, WriteCorpus(dir, "alpha", 20), WriteCorpus(dir, "beta", 30));

        Assert.That(import.Counts.Select(c => (c.Source, c.TrainTaken, c.DevTaken)), Is.EqualTo(new[] { ("alpha", 51, 5), ("beta", 50, 5) }));
        Assert.That(import.Train.GroupBy(s => s.Source).Select(g => g.Count()), Is.EquivalentTo(new[] { 51, 50 }));
        // Shuffled together, not one corpus after the other.
        Assert.That(import.Train.Take(50).Select(s => s.Source).Distinct().Count(), Is.EqualTo(2));
    }

    [Test]
    public void Import_DropsRepeatedSnippets_AndDevNeverRepeatsTrain()
    {
        using var dir = new TempDirectory();
        string corpus = Path.Combine(dir.Path, "same");
        // Ten copies of one chapter: every document offers the same sentences (case and punctuation aside).
        for (int d = 0; d < 10; d++)
            dir.Write($"same/copy_{d}.txt", string.Join(' ', Enumerable.Range(0, 30).Select(s => d % 2 == 0 ? Sentence("same", 0, 0, s) : Sentence("SAME", 0, 0, s).Replace(".", "!"))));
        var options = Small with { TrainCount = 1, DevCount = 0, DevFraction = 0.5 };
        var counts = Run(options, corpus).Counts.Single();
        var import = Run(options with { TrainCount = counts.TrainAvailable, DevCount = counts.DevAvailable }, corpus);
        var all = import.Train.Concat(import.Dev).ToList();

        Assert.That(all.Select(s => ProseHamImporter.DedupKey(s.Text)), Is.Unique);
        // Without deduplication the ten documents would give well over a hundred one-sentence snippets.
        Assert.That(all.Count(s => s.Sentences == 1), Is.InRange(1, 30));
        Assert.That(ProseHamImporter.DedupKey("The SAME  document, 0!"), Is.EqualTo(ProseHamImporter.DedupKey("the same document 0.")));
    }

    [Test]
    public void Import_MoreSnippetsThanACorpusOffers_SaysHowManyItHas()
    {
        using var dir = new TempDirectory();
        string alpha = WriteCorpus(dir, "alpha", 10, paragraphs: 1, sentences: 5);
        var available = Run(Small with { TrainCount = 1, DevCount = 1 }, alpha).Counts.Single();

        var e = Assert.Throws<ArgumentException>(() => Run(Small with { TrainCount = available.TrainAvailable + 1, DevCount = 1 }, alpha));
        Assert.That(e!.Message, Does.Contain($"offer only {available.TrainAvailable} distinct").And.Contain("alpha").And.Contain("--train-count"));
        e = Assert.Throws<ArgumentException>(() => Run(Small with { TrainCount = 1, DevCount = available.DevAvailable + 1 }, alpha));
        Assert.That(e!.Message, Does.Contain($"offer only {available.DevAvailable} distinct").And.Contain("--dev-count"));
    }

    [Test]
    public void ReadCorpus_MissingEmptyTextlessOrUnreadable_ThrowsWithThePath()
    {
        using var dir = new TempDirectory();
        Assert.Throws<DirectoryNotFoundException>(() => ProseHamImporter.ReadCorpus("x", Path.Combine(dir.Path, "nowhere"), Small));
        Directory.CreateDirectory(Path.Combine(dir.Path, "empty"));
        dir.Write("empty/notes.md", "Not a text file.");
        Assert.That(() => ProseHamImporter.ReadCorpus("x", Path.Combine(dir.Path, "empty"), Small),
            Throws.TypeOf<InvalidDataException>().With.Message.Contain("no .txt files"));
        dir.Write("blank/a.txt", "  \n\n 1 2 3 \n");
        Assert.That(() => ProseHamImporter.ReadCorpus("x", Path.Combine(dir.Path, "blank"), Small),
            Throws.TypeOf<InvalidDataException>().With.Message.Contain("hold no text"));
        dir.Write("broken/a.txt", "Some text here.");
        string dangling = Path.Combine(dir.Path, "broken", "b.txt");
        File.CreateSymbolicLink(dangling, Path.Combine(dir.Path, "gone.txt"));
        Assert.That(() => ProseHamImporter.ReadCorpus("x", Path.Combine(dir.Path, "broken"), Small),
            Throws.InstanceOf<IOException>().With.Message.Contain(dangling).And.Message.Contain("cannot read"));
    }

    [Test]
    public void ReadCorpus_ReadsSubdirectories_SkipsExcludedNames()
    {
        using var dir = new TempDirectory();
        dir.Write("book/part1/chapter_1.txt", "It began.");
        dir.Write("book/chapter_2.txt", "It ended.");
        dir.Write("book/data.txt", "It began. It ended.");
        dir.Write("book/contents.txt", "CHAPTER 1. Chapter 2.");
        var corpus = ProseHamImporter.ReadCorpus("book", Path.Combine(dir.Path, "book"), new ProseHamOptions());
        Assert.That(corpus.Documents.Select(d => d.Name), Is.EqualTo(new[] { "chapter_2.txt", "part1/chapter_1.txt" }));
    }

    [Test]
    public void SourceNames_SkipGenericDirectoryNames_AndStayUnique()
    {
        using var dir = new TempDirectory();
        string sotu = WriteCorpus(dir, "sotu", 2);
        Assert.That(ProseHamImporter.SourceName(sotu), Is.EqualTo("sotu"));
        Assert.That(ProseHamImporter.SourceName(sotu + Path.DirectorySeparatorChar), Is.EqualTo("sotu"));
        var corpora = ProseHamImporter.ReadCorpora([sotu, sotu], Small);
        Assert.That(corpora.Select(c => c.Source), Is.EqualTo(new[] { "sotu", "sotu-2" }));
        Assert.Throws<ArgumentException>(() => ProseHamImporter.ReadCorpora([], Small));
    }

    [TestCase(0, 40, 1, 1, 0.1, "--min-words")]
    [TestCase(10, 5, 1, 1, 0.1, "--max-words")]
    [TestCase(3, 40, -1, 1, 0.1, "--train-count")]
    [TestCase(3, 40, 1, -1, 0.1, "--dev-count")]
    [TestCase(3, 40, 1, 1, 1.5, "--dev-fraction")]
    public void Options_OutOfRange_NameTheOption(int min, int max, int train, int dev, double fraction, string option)
    {
        var options = new ProseHamOptions { MinWords = min, MaxWords = max, TrainCount = train, DevCount = dev, DevFraction = fraction };
        Assert.That(options.Validate, Throws.ArgumentException.With.Message.Contain(option));
    }
}
