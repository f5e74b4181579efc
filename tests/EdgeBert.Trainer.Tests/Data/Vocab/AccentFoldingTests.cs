using EdgeBert.Trainer.Data.Vocab;

namespace EdgeBert.Trainer.Tests.Data.Vocab;

public class AccentFoldingTests
{
    // Expected values from Python: "".join(c for c in unicodedata.normalize("NFD", s) if category(c) != "Mn").
    [TestCase("plain ascii", "plain ascii")]
    [TestCase("한국", "\u1112\u1161\u11AB\u1100\u116E\u11A8")]
    [TestCase("\u01FA", "A")]
    [TestCase("\uFB01", "\uFB01")]
    [TestCase("\u2126", "\u03A9")]
    [TestCase("\u212B", "A")]
    [TestCase("e\u0301", "e")]
    [TestCase("\u1E9B\u0323", "\u017F")]
    [TestCase("Ελληνικά", "\u0395\u03BB\u03BB\u03B7\u03BD\u03B9\u03BA\u03B1")]
    [TestCase("Ёж", "\u0415\u0436")]
    [TestCase("\U0001D15E", "\U0001D157\U0001D165")]
    [TestCase("\uF900", "\u8C48")]
    [TestCase("", "")]
    public void Strip_MatchesPythonNfdWithoutMarks(string input, string expected) =>
        Assert.That(AccentFolding.Strip(input), Is.EqualTo(expected));
}
