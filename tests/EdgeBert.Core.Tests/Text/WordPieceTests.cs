using EdgeBert.Text;

namespace EdgeBert.Core.Tests.Text;

[Category("Text")]
public class WordPieceTests
{
    private static readonly WordPieceVocabulary s_vocabulary = WordPieceVocabulary.FromLines(
        ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "un", "una", "##aff", "##able", "##a", "##ffable", "aff", "🙂", "##🙂", "a", "##b"]);

    private static string[] Pieces(string word, int maxChars = 100)
    {
        var ids = new PooledBuffer<int>(4);
        try
        {
            WordPieceModel.AppendPieces(s_vocabulary, word, maxChars, ref ids);
            return ids.Span.ToArray().Select(s_vocabulary.IdToToken).ToArray();
        }
        finally
        {
            ids.Dispose();
        }
    }

    [TestCase("unaffable", new[] { "una", "##ffable" })]
    [TestCase("una", new[] { "una" })]
    [TestCase("affable", new[] { "aff", "##able" })]
    [TestCase("🙂🙂", new[] { "🙂", "##🙂" })]
    public void GreedyLongestMatchFromTheLeft(string word, string[] expected) =>
        Assert.That(Pieces(word), Is.EqualTo(expected));

    [Test]
    public void AnUnmatchedRemainderMakesTheWholeWordUnknown()
    {
        Assert.That(Pieces("unaff"), Is.EqualTo(new[] { "[UNK]" }), "'una' matches but '##ff' does not: HF drops the pieces");
        Assert.That(Pieces("xyz"), Is.EqualTo(new[] { "[UNK]" }));
    }

    [Test]
    public void TheCharacterLimitCountsCodePoints()
    {
        string hundred = new string('a', 1) + string.Concat(Enumerable.Repeat("b", 99));
        Assert.That(Pieces(hundred), Has.Length.EqualTo(100));
        Assert.That(Pieces(hundred + "b"), Is.EqualTo(new[] { "[UNK]" }), "101 chars");
        string emoji = string.Concat(Enumerable.Repeat("🙂", 100));
        Assert.That(emoji.Length, Is.EqualTo(200));
        Assert.That(Pieces(emoji), Has.Length.EqualTo(100), "100 code points (200 UTF-16 units) are within the limit");
        Assert.That(Pieces(emoji + "🙂"), Is.EqualTo(new[] { "[UNK]" }));
        Assert.That(Pieces("abbb", maxChars: 3), Is.EqualTo(new[] { "[UNK]" }));
    }

    [Test]
    public void TokenizerEndToEndWithTheFixtureVocabulary()
    {
        var tokenizer = TokenizerFixture.Uncased();
        Assert.That(tokenizer.Tokenize("Hello, User!"), Is.EqualTo(new[] { "hello", ",", "user", "!" }));
        Assert.That(tokenizer.Tokenize(new string('a', 101)), Is.EqualTo(new[] { "[UNK]" }));
        Assert.That(tokenizer.Tokenize(""), Is.Empty);
        Assert.That(tokenizer.Tokenize(" \t\n "), Is.Empty);
    }
}
