using EdgeBert.Trainer.Data.Corpus;

namespace EdgeBert.Trainer.Tests.Data.Corpus;

public class TextCorpusReaderTests
{
    private static List<string> Read(string text, TextCorpusOptions options) =>
        TextCorpusReader.Read(new StringReader(text), options).ToList();

    [Test]
    public void Paragraphs_AreBlankLineSeparated_AndJoined()
    {
        var text = "CHAPTER 1. Loomings.\n\nCall me Ishmael. Some years\nago, never mind.\n   \n\n\nLast  paragraph\n";
        Assert.That(Read(text, new TextCorpusOptions()), Is.EqualTo(new[]
        {
            "CHAPTER 1. Loomings.", "Call me Ishmael. Some years ago, never mind.", "Last paragraph",
        }));
    }

    [Test]
    public void Lines_EachNonBlankLineIsAUnit()
    {
        var text = "First address, one line.\n\nSecond\taddress.\r\n";
        Assert.That(Read(text, new TextCorpusOptions { Unit = CorpusUnit.Line }),
            Is.EqualTo(new[] { "First address, one line.", "Second address." }));
    }

    [Test]
    public void LongUnits_AreChunkedAtSentenceEnds()
    {
        var random = new Random(42);
        var sentences = Enumerable.Range(0, 400)
            .Select(i => string.Join(' ', Enumerable.Range(0, random.Next(3, 15)).Select(_ => "w" + random.Next(1000))) + ".");
        var text = string.Join(' ', sentences);
        const int max = 200;
        var chunks = Read(text, new TextCorpusOptions { Unit = CorpusUnit.Line, MaxChars = max });
        Assert.That(chunks, Has.Count.GreaterThan(text.Length / max), "seed 42");
        Assert.That(chunks.All(c => c.Length <= max), Is.True, $"seed 42, max {max}");
        Assert.That(chunks.All(c => c.EndsWith('.')), Is.True, "every chunk ends a sentence (seed 42)");
        Assert.That(string.Join(' ', chunks), Is.EqualTo(text), "chunks lose nothing (seed 42)");
    }

    [Test]
    public void Chunking_WithoutSentenceEnds_CutsAtSpaces_ThenHard()
    {
        var words = string.Join(' ', Enumerable.Repeat("abcdefg", 50));
        var chunks = TextCorpusReader.Chunk(words, 30).ToList();
        Assert.That(chunks.All(c => c.Length <= 30 && !c.Contains("  ") && c.Split(' ').All(w => w == "abcdefg")), Is.True);
        var solid = new string('x', 95);
        Assert.That(TextCorpusReader.Chunk(solid, 30).Select(c => c.Length), Is.EqualTo(new[] { 30, 30, 30, 5 }));
    }

    [Test]
    public void Directory_IsReadInOrdinalFileOrder_TxtOnly()
    {
        using var dir = new TempDirectory();
        dir.Write("b.txt", "second file");
        dir.Write("a.txt", "first file\n\nsecond paragraph");
        dir.Write("a.json", "{\"text\":\"ignored\"}");
        dir.Write("sub/c.txt", "nested file");
        Assert.That(TextCorpusReader.Read(dir.Path).ToList(),
            Is.EqualTo(new[] { "first file", "second paragraph", "second file", "nested file" }));
    }

    [Test]
    public void MissingPath_SaysSo()
    {
        using var dir = new TempDirectory();
        var missing = Path.Combine(dir.Path, "nope");
        Assert.That(() => TextCorpusReader.Read(missing).ToList(),
            Throws.TypeOf<FileNotFoundException>().With.Message.Contains(missing));
    }
}
