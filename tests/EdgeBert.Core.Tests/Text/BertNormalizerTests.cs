using System.Text;
using EdgeBert.Text;

namespace EdgeBert.Core.Tests.Text;

[Category("Text")]
public class BertNormalizerTests
{
    private static string Normalize(string text, bool lowercase = true, bool stripAccents = true, bool chinese = true)
    {
        var buffer = new PooledBuffer<char>(16);
        try
        {
            BertNormalizer.Normalize(text, lowercase, stripAccents, chinese, ref buffer);
            return new string(buffer.Span);
        }
        finally
        {
            buffer.Dispose();
        }
    }

    public static IEnumerable<TestCaseData> NormalizerCases() =>
        TokenizerFixture.NormalizerCases.Select(c => new TestCaseData(c.Id).SetName($"GoldenNormalizer_{c.Id:D4}_{c.Config}"));

    [TestCaseSource(nameof(NormalizerCases))]
    public void MatchesHuggingFaceNormalizer(int id)
    {
        var c = TokenizerFixture.NormalizerCases[id];
        string actual = Normalize(c.Text, c.Lowercase, c.StripAccents, c.HandleChinese);
        Assert.That(actual, Is.EqualTo(c.Expected),
            $"normalizer case #{c.Id} [{c.Config}] text={GoldenCase.Escape(c.Text)}\n  expected {GoldenCase.Escape(c.Expected)}\n  actual   {GoldenCase.Escape(actual)}");
    }

    [Test]
    public void CanonicalOrderingOfSurvivingMarks()
    {
        // NFD sorts U+1D16D (class 226) after U+1D165 (216); a deleted class-0 mark (U+034F) blocks it.
        Assert.That(Normalize("a\U0001D16D\U0001D165"), Is.EqualTo("a\U0001D165\U0001D16D"));
        Assert.That(Normalize("a\U0001D16D\u034F\U0001D165"), Is.EqualTo("a\U0001D16D\U0001D165"));
        Assert.That(Normalize("a\U0001D16D\u0301\U0001D165"), Is.EqualTo("a\U0001D165\U0001D16D"), "a deleted mark of nonzero class does not block");
        Assert.That(Normalize("a\U0001D16D\U0001D165", stripAccents: false), Is.EqualTo("a\U0001D16D\U0001D165"), "no NFD without strip_accents");
    }

    [Test]
    public void BclNormalizeIsANoOpUnderInvariantGlobalization()
    {
        // Why the tokenizer carries its own decomposition tables: with InvariantGlobalization=true
        // (set for every project) .NET 9/10 returns the input of Normalize(FormD) unchanged.
        Assert.That(AppContext.TryGetSwitch("System.Globalization.Invariant", out bool invariant) && invariant, Is.True);
        Assert.That("caf\u00e9".Normalize(NormalizationForm.FormD), Is.EqualTo("caf\u00e9"),
            "If the runtime gained NFD in invariant mode, the probed tables stay authoritative (they follow HF's Unicode version).");
        Assert.That(Normalize("caf\u00e9", lowercase: false), Is.EqualTo("cafe"));
    }

    [TestCase("a\u0000b\u0001c\u007fd", "abcd")]
    [TestCase("x\ufffdy", "xy")]
    [TestCase("zero\u200bwidth\ufeff", "zerowidth")]
    [TestCase("tab\tnew\nline\r\nnbsp\u00a0ideo\u3000", "tab new line  nbsp ideo ")]
    [TestCase("nel\u0085", "nel")]
    public void CleanTextDeletesControlsAndMapsWhitespace(string input, string expected) =>
        Assert.That(Normalize(input, lowercase: false, stripAccents: false), Is.EqualTo(expected));

    [Test]
    public void LoneSurrogatesAreDeletedLikeReplacementCharacters()
    {
        Assert.That(Normalize("a\ud800b\udc00c", lowercase: false), Is.EqualTo("abc"));
        Assert.That(Normalize("\ud83d\ude00", lowercase: false), Is.EqualTo("\ud83d\ude00"), "a valid pair is kept");
    }

    [Test]
    public void ChineseIdeographsAreSurroundedWithSpaces()
    {
        Assert.That(Normalize("ab中文c"), Is.EqualTo("ab 中  文 c"));
        Assert.That(Normalize("ab中文c", chinese: false), Is.EqualTo("ab中文c"));
        Assert.That(Normalize("\U00020000"), Is.EqualTo(" \U00020000 "), "extension B is astral");
        Assert.That(Normalize("ひらがな한글"), Is.EqualTo("ひらかな\u1112\u1161\u11ab\u1100\u1173\u11af"), "kana and Hangul are not Chinese");
    }

    [TestCase("Café Ångström", true, true, "cafe angstrom")]
    [TestCase("Café Ångström", false, false, "Café Ångström")]
    [TestCase("Café", false, true, "Cafe")]
    [TestCase("Cafe\u0301", true, false, "cafe\u0301")]
    [TestCase("e\u0301\u0323", true, true, "e")]
    [TestCase("ﬁ Ａ", true, true, "ﬁ ａ")]
    public void StripAccentsAndLowercase(string input, bool lowercase, bool strip, string expected) =>
        Assert.That(Normalize(input, lowercase, strip), Is.EqualTo(expected));

    [Test]
    public void LowercaseFollowsRustPerCharacterMapping()
    {
        // U+0130 lowercases to two code points; sigma has no final-form context per character.
        Assert.That(Normalize("\u0130", lowercase: true, stripAccents: false), Is.EqualTo("i\u0307"));
        Assert.That(Normalize("\u0130", lowercase: true, stripAccents: true), Is.EqualTo("i"), "NFD first drops the dot");
        Assert.That(Normalize("ΟΔΟΣ", lowercase: true, stripAccents: false), Is.EqualTo("οδοσ"));
        Assert.That(Normalize("ẞ", lowercase: true, stripAccents: false), Is.EqualTo("ß"));
    }

    [Test]
    public void HangulSyllablesDecomposeIntoJamoWhenStripping()
    {
        Assert.That(Normalize("가", stripAccents: true), Is.EqualTo("\u1100\u1161"));
        Assert.That(Normalize("한", stripAccents: true), Is.EqualTo("\u1112\u1161\u11ab"));
        Assert.That(Normalize("한", stripAccents: false), Is.EqualTo("한"));
    }

    [Test]
    public void EmptyAndWhitespaceOnly()
    {
        Assert.That(Normalize(""), Is.EqualTo(""));
        Assert.That(Normalize(" \t\r\n"), Is.EqualTo("    "));
    }

    [Test]
    public void GeneratedTablesAreSortedAndConsistent()
    {
        foreach (var (name, ranges) in new[]
                 {
                     ("Removed", BertUnicodeTables.Removed.ToArray()), ("Whitespace", BertUnicodeTables.Whitespace.ToArray()),
                     ("Chinese", BertUnicodeTables.Chinese.ToArray()), ("Punctuation", BertUnicodeTables.Punctuation.ToArray()),
                     ("PreTokenizerWhitespace", BertUnicodeTables.PreTokenizerWhitespace.ToArray()),
                     ("NonspacingMarks", BertUnicodeTables.NonspacingMarks.ToArray()),
                 })
        {
            Assert.That(ranges.Length % 2, Is.Zero, name);
            for (int i = 0; i < ranges.Length; i += 2)
            {
                Assert.That(ranges[i], Is.LessThanOrEqualTo(ranges[i + 1]), $"{name} range {i / 2}");
                if (i > 0) Assert.That(ranges[i], Is.GreaterThan(ranges[i - 1] + 1), $"{name} ranges {i / 2 - 1} and {i / 2} overlap or touch");
            }
        }
        AssertMap("StripAccents", BertUnicodeTables.StripAccentsKeys.ToArray(), BertUnicodeTables.StripAccentsStarts.ToArray(), BertUnicodeTables.StripAccentsPool);
        AssertMap("Lowercase", BertUnicodeTables.LowercaseKeys.ToArray(), BertUnicodeTables.LowercaseStarts.ToArray(), BertUnicodeTables.LowercasePool);
    }

    private static void AssertMap(string name, int[] keys, int[] starts, string pool)
    {
        Assert.That(keys, Is.Ordered.Ascending, name);
        Assert.That(keys.Distinct().Count(), Is.EqualTo(keys.Length), name);
        Assert.That(starts, Has.Length.EqualTo(keys.Length + 1), name);
        Assert.That(starts, Is.Ordered.Ascending, name);
        Assert.That(starts[^1], Is.EqualTo(pool.Length), name);
    }
}
