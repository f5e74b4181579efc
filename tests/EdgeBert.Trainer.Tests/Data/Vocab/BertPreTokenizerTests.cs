using EdgeBert.Trainer.Data.Vocab;

namespace EdgeBert.Trainer.Tests.Data.Vocab;

public class BertPreTokenizerTests
{
    [Test]
    public void SplitsWhitespaceAndPunctuation() =>
        Assert.That(new BertPreTokenizer(lowercase: false).Split("Hello, world!  It's $5.00\t(ok)"),
            Is.EqualTo(new[] { "Hello", ",", "world", "!", "It", "'", "s", "$", "5", ".", "00", "(", "ok", ")" }));

    [Test]
    public void Lowercase_AlsoStripsAccents() =>
        Assert.That(new BertPreTokenizer(lowercase: true).Split("Café NAÏVE Ångström"),
            Is.EqualTo(new[] { "cafe", "naive", "angstrom" }));

    [Test]
    public void Cased_KeepsAccents() =>
        Assert.That(new BertPreTokenizer(lowercase: false).Split("Café"), Is.EqualTo(new[] { "Café" }));

    [Test]
    public void CjkIdeographs_AreSingleTokens_ButKanaAndHangulAreNot() =>
        Assert.That(new BertPreTokenizer(lowercase: false).Split("日本語です 한국어"),
            Is.EqualTo(new[] { "日", "本", "語", "です", "한국어" }));

    [Test]
    public void UnicodePunctuation_IsSplit() =>
        Assert.That(new BertPreTokenizer(lowercase: false).Split("«quoted»—dash…"),
            Is.EqualTo(new[] { "«", "quoted", "»", "—", "dash", "…" }));

    [Test]
    public void ControlCharacters_NulAndReplacementChar_AreDropped() =>
        Assert.That(new BertPreTokenizer(lowercase: false).Split("a\u0000b\uFFFDc\u200Dd\u0007e\r\nf"),
            Is.EqualTo(new[] { "abcde", "f" }));

    [Test]
    public void SupplementaryCharacters_StayWhole() =>
        Assert.That(new BertPreTokenizer(lowercase: false).Split("x\U00020000y \U0001F600"),
            Is.EqualTo(new[] { "x", "\U00020000", "y", "\U0001F600" }));
}
