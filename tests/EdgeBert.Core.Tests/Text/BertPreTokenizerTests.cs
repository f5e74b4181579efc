using EdgeBert.Text;

namespace EdgeBert.Core.Tests.Text;

[Category("Text")]
public class BertPreTokenizerTests
{
    private static List<string> Words(string normalized)
    {
        var words = new List<string>();
        foreach (var word in new BertPreTokenizer(normalized)) words.Add(word.ToString());
        return words;
    }

    [Test]
    public void SplitsOnWhitespaceAndIsolatesPunctuation() =>
        // HF's own unit test for BertPreTokenizer.
        Assert.That(Words("Hey friend!     How are you?!?"), Is.EqualTo(new[] { "Hey", "friend", "!", "How", "are", "you", "?", "!", "?" }));

    [Test]
    public void UnicodePunctuationAndSymbols()
    {
        Assert.That(Words("a«b»c—d"), Is.EqualTo(new[] { "a", "«", "b", "»", "c", "—", "d" }));
        Assert.That(Words("$5+3=8"), Is.EqualTo(new[] { "$", "5", "+", "3", "=", "8" }), "ASCII symbols count as punctuation");
        Assert.That(Words("a€b"), Is.EqualTo(new[] { "a€b" }), "non-ASCII symbols (Sc) are not punctuation");
        Assert.That(Words("🙂x"), Is.EqualTo(new[] { "🙂x" }));
    }

    [Test]
    public void EmptyAndWhitespaceOnlyGiveNoWords()
    {
        Assert.That(Words(""), Is.Empty);
        Assert.That(Words("   "), Is.Empty);
    }
}
