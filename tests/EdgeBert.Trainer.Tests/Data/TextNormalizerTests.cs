using EdgeBert.Trainer.Data;

namespace EdgeBert.Trainer.Tests.Data;

public class TextNormalizerTests
{
    [TestCase("  a \t b\r\n\r\n c  ", "a b c")]
    [TestCase("x\u00a0\u2003y", "x y")]
    [TestCase("\ufeffbom\u200bzero", "bomzero")]
    [TestCase("ctrl\u0001char", "ctrl char")]
    [TestCase("", "")]
    [TestCase(" \n\t ", "")]
    public void Normalize(string input, string expected) => Assert.That(TextNormalizer.Normalize(input), Is.EqualTo(expected));

    [Test]
    public void Truncate_KeepsShortTextsWhole() => Assert.That(TextNormalizer.Truncate("short", 10), Is.EqualTo("short"));

    [Test]
    public void Truncate_CutsAtAWordBoundary() =>
        Assert.That(TextNormalizer.Truncate("alpha beta gamma delta", 13), Is.EqualTo("alpha beta"));

    [Test]
    public void Truncate_HardCutWhenNoSpaceNearby() =>
        Assert.That(TextNormalizer.Truncate("abcdefghijklmnop", 5), Is.EqualTo("abcde"));

    [Test]
    public void Truncate_NeverSplitsASurrogatePair()
    {
        var text = "abcd\U0001F600efgh"; // the emoji occupies chars 4 and 5
        var cut = TextNormalizer.Truncate(text, 5);
        Assert.That(cut, Is.EqualTo("abcd"));
    }

    [Test]
    public void Truncate_RejectsNonPositiveCaps() =>
        Assert.That(() => TextNormalizer.Truncate("x", 0), Throws.TypeOf<ArgumentOutOfRangeException>());
}
