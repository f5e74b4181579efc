using System.Collections.Concurrent;
using System.Text;
using EdgeBert.Text;

namespace EdgeBert.Core.Tests.Text;

/// <summary>
/// Every case of the golden fixture generated with HuggingFace tokenizers 0.23.2 must give
/// identical ids, type ids and truncation flag (or fail where HF fails), through the string,
/// span and UTF-8 entry points.
/// </summary>
[Category("Text")]
public class BertTokenizerGoldenTests
{
    private static readonly ConcurrentDictionary<BertTokenizerOptions, BertTokenizer> s_tokenizers = new();

    private static BertTokenizer TokenizerFor(GoldenCase c) =>
        s_tokenizers.GetOrAdd(c.Options, o => new BertTokenizer(TokenizerFixture.Vocabulary, o));

    public static IEnumerable<TestCaseData> Cases() =>
        TokenizerFixture.Cases.Select(c => new TestCaseData(c.Id).SetName($"Golden_{c.Id:D4}_{c.Config}{(c.Pair is null ? "" : "_pair")}{(c.Options.MaxLength is null ? "" : "_max" + c.Options.MaxLength)}"));

    [Test]
    public void FixtureIsComplete()
    {
        var cases = TokenizerFixture.Cases;
        Assert.That(cases, Has.Count.GreaterThanOrEqualTo(1500), "the fixture should hold the ~1,800 generated cases");
        Assert.That(cases.Select(c => c.Config).Distinct().Count(), Is.EqualTo(5));
        Assert.That(cases.Count(c => c.Pair is not null), Is.GreaterThan(100));
        Assert.That(cases.Count(c => c.Truncated), Is.GreaterThan(100));
        Assert.That(cases.Count(c => c.Error is not null), Is.GreaterThan(10));
        Assert.That(cases.Count(c => c.CodePointOffsets is not null), Is.GreaterThan(1500));
        Assert.That(cases.Count(c => c.Text.Any(char.IsSurrogate) && !c.Text.Any(char.IsHighSurrogate)), Is.GreaterThan(0), "lone low surrogates must be covered");
    }

    [TestCaseSource(nameof(Cases))]
    public void MatchesHuggingFace(int id)
    {
        var c = TokenizerFixture.Cases[id];
        var tokenizer = TokenizerFor(c);

        if (c.Error is not null)
        {
            var ex = Assert.Throws<InputTooLongException>(() => tokenizer.Encode(c.Text, c.Pair), c.Describe());
            Assert.That(ex!.Message, Does.Contain("too short").Or.Contain("not provided"), c.Describe());
            return;
        }

        var encoding = tokenizer.Encode(c.Text, c.Pair);
        AssertSame(c, encoding.Ids.ToArray(), encoding.TypeIds.ToArray(), encoding.Truncated, "Encode(string)");
        Assert.That(encoding.AttentionMask.ToArray(), Is.EqualTo(Enumerable.Repeat(1, c.Ids!.Length)), c.Describe());
        // Known, documented divergence: HF keeps alignments positional while NFD reorders marks
        // and deletes the nonspacing ones, so a token holding a reordered surviving mark can end
        // at a neighbouring mark's position. Ids and normalized text still match exactly there.
        if (c.Utf16Offsets() is { } offsets && !(c.Options.EffectiveStripAccents && HasSurvivingMark(c)))
            Assert.That(encoding.Offsets.ToArray(), Is.EqualTo(offsets), "offsets for " + c.Describe());

        // The allocation-free span path.
        var ids = new int[c.Ids!.Length + 4];
        var types = new int[ids.Length];
        int n = c.Pair is null
            ? tokenizer.Encode(c.Text.AsSpan(), ids, types, out bool truncated)
            : tokenizer.EncodePair(c.Text.AsSpan(), c.Pair.AsSpan(), ids, types, out truncated);
        AssertSame(c, ids[..n], types[..n], truncated, "Encode(span)");

        // UTF-8 input (only for well-formed text: lone surrogates have no UTF-8 form).
        if (!HasLoneSurrogate(c.Text) && (c.Pair is null || !HasLoneSurrogate(c.Pair)))
        {
            var utf8 = c.Pair is null
                ? tokenizer.EncodeUtf8(Encoding.UTF8.GetBytes(c.Text))
                : tokenizer.EncodeUtf8(Encoding.UTF8.GetBytes(c.Text), Encoding.UTF8.GetBytes(c.Pair));
            AssertSame(c, utf8.Ids.ToArray(), utf8.TypeIds.ToArray(), utf8.Truncated, "EncodeUtf8");
        }

        // Tokenize gives the pieces between [CLS] and [SEP].
        if (c.Pair is null && !c.Truncated)
        {
            var expected = c.Ids[1..^1].Select(TokenizerFixture.Vocabulary.IdToToken).ToArray();
            Assert.That(tokenizer.Tokenize(c.Text), Is.EqualTo(expected), "Tokenize: " + c.Describe());
        }
    }

    private static void AssertSame(GoldenCase c, int[] ids, int[] typeIds, bool truncated, string path)
    {
        if (!ids.SequenceEqual(c.Ids!))
        {
            Assert.Fail($"{path}: ids differ for {c.Describe()}\n" +
                        $"  expected {string.Join(' ', c.Ids!)}\n    tokens {Tokens(c.Ids!)}\n" +
                        $"  actual   {string.Join(' ', ids)}\n    tokens {Tokens(ids)}");
        }
        Assert.That(typeIds, Is.EqualTo(c.TypeIds), $"{path}: type ids for {c.Describe()}");
        Assert.That(truncated, Is.EqualTo(c.Truncated), $"{path}: truncated flag for {c.Describe()}");
    }

    private static string Tokens(int[] ids) =>
        string.Join(' ', ids.Select(i => i >= 0 && i < TokenizerFixture.Vocabulary.Count ? TokenizerFixture.Vocabulary.IdToToken(i) : "?" + i));

    private static bool HasSurvivingMark(GoldenCase c) =>
        (c.Text + c.Pair).EnumerateRunes().Any(r => BertUnicodeTables.SurvivingMarkKeys.BinarySearch(r.Value) >= 0);

    [Test]
    public void OffsetsAreComparedOnAllButAFewCases()
    {
        var withOffsets = TokenizerFixture.Cases.Where(c => c.CodePointOffsets is not null).ToList();
        int skipped = withOffsets.Count(c => c.Options.EffectiveStripAccents && HasSurvivingMark(c));
        Assert.That(skipped, Is.LessThanOrEqualTo(40), "only the reordered-mark cases may skip the offsets comparison");
        Assert.That(withOffsets.Count - skipped, Is.GreaterThan(1500));
    }

    private static bool HasLoneSurrogate(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) i++;
            else if (char.IsSurrogate(s[i])) return true;
        }
        return false;
    }
}
