using EdgeBert.Text;

namespace EdgeBert.Core.Tests.Text;

public class BertPreTokenizationTests
{
    [Test]
    public void SplitsWhitespaceAndPunctuation() =>
        Assert.That(Split(false, "Hello, world!  It's $5.00\t(ok)"),
            Is.EqualTo(new[] { "Hello", ",", "world", "!", "It", "'", "s", "$", "5", ".", "00", "(", "ok", ")" }));

    [Test]
    public void Lowercase_AlsoStripsAccents() =>
        Assert.That(Split(true, "Café NAÏVE Ångström"),
            Is.EqualTo(new[] { "cafe", "naive", "angstrom" }));

    [Test]
    public void Cased_KeepsAccents() =>
        Assert.That(Split(false, "Café"), Is.EqualTo(new[] { "Café" }));

    [Test]
    public void CjkIdeographs_AreSingleTokens_ButKanaAndHangulAreNot() =>
        Assert.That(Split(false, "日本語です 한국어"),
            Is.EqualTo(new[] { "日", "本", "語", "です", "한국어" }));

    [Test]
    public void UnicodePunctuation_IsSplit() =>
        Assert.That(Split(false, "«quoted»—dash…"),
            Is.EqualTo(new[] { "«", "quoted", "»", "—", "dash", "…" }));

    [Test]
    public void ControlCharacters_NulAndReplacementChar_AreDropped() =>
        Assert.That(Split(false, "a\u0000b\uFFFDc\u200Dd\u0007e\r\nf"),
            Is.EqualTo(new[] { "abcde", "f" }));

    [Test]
    public void SupplementaryCharacters_StayWhole() =>
        Assert.That(Split(false, "x\U00020000y \U0001F600"),
            Is.EqualTo(new[] { "x", "\U00020000", "y", "\U0001F600" }));

    private static List<string> Split(bool lowercase, string text) =>
        BertPreTokenization.Split(text, new BertTokenizerOptions { Lowercase = lowercase });
}
