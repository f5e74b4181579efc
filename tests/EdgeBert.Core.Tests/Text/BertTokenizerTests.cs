using System.Text;
using EdgeBert.Text;

namespace EdgeBert.Core.Tests.Text;

[Category("Text")]
public class BertTokenizerTests
{
    private static int[] Ids(BertEncoding e) => e.Ids.ToArray();

    [Test]
    public void EmptyAndWhitespaceOnlyInputGiveClsSep()
    {
        var tokenizer = TokenizerFixture.Uncased();
        foreach (var text in new[] { "", " ", "\t\r\n", "\u200b\u0000\ufffd" })
        {
            var e = tokenizer.Encode(text);
            Assert.That(Ids(e), Is.EqualTo(new[] { 101, 102 }), GoldenCase.Escape(text));
            Assert.That(e.Truncated, Is.False);
        }
        Assert.That(Ids(tokenizer.Encode("", "")), Is.EqualTo(new[] { 101, 102, 102 }), "an empty pair still adds its [SEP]");
    }

    [Test]
    public void PairsGetTypeIdsZeroThenOne()
    {
        var e = TokenizerFixture.Uncased().Encode("hello you", "how are you");
        var tokens = e.Ids.ToArray().Select(TokenizerFixture.Vocabulary.IdToToken).ToArray();
        Assert.That(tokens, Is.EqualTo(new[] { "[CLS]", "hello", "you", "[SEP]", "how", "are", "you", "[SEP]" }));
        Assert.That(e.TypeIds.ToArray(), Is.EqualTo(new[] { 0, 0, 0, 0, 1, 1, 1, 1 }));
        Assert.That(e.AttentionMask.ToArray(), Is.EqualTo(Enumerable.Repeat(1, 8)));
    }

    [Test]
    public void SpecialTokensInTextAreRecognizedUnlessDisabled()
    {
        Assert.That(TokenizerFixture.Uncased().Tokenize("a [MASK] b"), Is.EqualTo(new[] { "a", "[MASK]", "b" }));
        Assert.That(TokenizerFixture.Uncased().Tokenize("[mask]"), Does.Not.Contain("[MASK]"), "matching is case-sensitive, before lowercasing");
        var plain = new BertTokenizer(TokenizerFixture.Vocabulary, new BertTokenizerOptions { RecognizeSpecialTokens = false });
        Assert.That(plain.Tokenize("a [MASK] b"), Does.Not.Contain("[MASK]").And.Contain("["));
    }

    [Test]
    public void TruncatesAtMaxLengthAndSetsTheFlag()
    {
        var text = string.Join(' ', Enumerable.Repeat("hello", 20));
        var right = TokenizerFixture.Uncased(maxLength: 8).Encode(text);
        Assert.That(right.Length, Is.EqualTo(8));
        Assert.That(right.Truncated, Is.True);
        Assert.That(right.Ids[0], Is.EqualTo(101));
        Assert.That(right.Ids[7], Is.EqualTo(102));
        Assert.That(TokenizerFixture.Uncased(maxLength: 22).Encode(text).Truncated, Is.False, "20 words + 2 specials fit exactly");

        var left = new BertTokenizer(TokenizerFixture.Vocabulary, new BertTokenizerOptions { MaxLength = 5, TruncationSide = TruncationSide.Left })
            .Encode("one two three four how");
        Assert.That(left.Ids.ToArray().Select(TokenizerFixture.Vocabulary.IdToToken).ToArray(), Is.EqualTo(new[] { "[CLS]", "three", "four", "how", "[SEP]" }));
    }

    [Test]
    public void FailStrategyThrowsInsteadOfTruncating()
    {
        var tokenizer = new BertTokenizer(TokenizerFixture.Vocabulary, new BertTokenizerOptions { MaxLength = 4, Truncation = TruncationStrategy.Fail });
        Assert.That(tokenizer.Encode("one two").Length, Is.EqualTo(4), "fits exactly");
        var ex = Assert.Throws<InputTooLongException>(() => tokenizer.Encode("one two three"));
        Assert.That(ex!.TokenCount, Is.EqualTo(5));
        Assert.That(ex.MaxLength, Is.EqualTo(4));
        Assert.That(ex.Message, Does.Contain("5 tokens").And.Contain("MaxLength 4"));
        Assert.Throws<InputTooLongException>(() => tokenizer.Encode("one two three".AsSpan(), new int[8], new int[8], out _));
    }

    [Test]
    public void StrategyErrorsMatchHuggingFace()
    {
        var onlySecond = new BertTokenizer(TokenizerFixture.Vocabulary, new BertTokenizerOptions { MaxLength = 4, Truncation = TruncationStrategy.OnlySecond });
        var ex = Assert.Throws<InputTooLongException>(() => onlySecond.Encode("one two three"));
        Assert.That(ex!.Message, Does.Contain("Second sequence not provided"));
        var onlyFirst = new BertTokenizer(TokenizerFixture.Vocabulary, new BertTokenizerOptions { MaxLength = 5, Truncation = TruncationStrategy.OnlyFirst });
        ex = Assert.Throws<InputTooLongException>(() => onlyFirst.Encode("one", "two three four"));
        Assert.That(ex!.Message, Does.Contain("too short"));
        var pairTooSmall = new BertTokenizer(TokenizerFixture.Vocabulary, new BertTokenizerOptions { MaxLength = 2 });
        ex = Assert.Throws<InputTooLongException>(() => pairTooSmall.Encode("a", "b"));
        Assert.That(ex!.Message, Does.Contain("3 special tokens"));
    }

    [TestCase(1)]
    [TestCase(0)]
    [TestCase(-5)]
    public void InvalidOptionsAreRejected(int maxLength)
    {
        var ex = Assert.Throws<ArgumentException>(() => new BertTokenizer(TokenizerFixture.Vocabulary, new BertTokenizerOptions { MaxLength = maxLength }));
        Assert.That(ex!.Message, Does.Contain("MaxLength").And.Contain(maxLength.ToString()));
        Assert.Throws<ArgumentException>(() => new BertTokenizer(TokenizerFixture.Vocabulary, new BertTokenizerOptions { MaxInputCharsPerWord = 0 }));
        Assert.Throws<ArgumentException>(() => new BertTokenizer(TokenizerFixture.Vocabulary, new BertTokenizerOptions { Truncation = (TruncationStrategy)42 }));
        Assert.Throws<ArgumentNullException>(() => new BertTokenizer(null!));
    }

    [Test]
    public void StripAccentsFollowsLowercaseWhenNull()
    {
        Assert.That(new BertTokenizerOptions().EffectiveStripAccents, Is.True);
        Assert.That(new BertTokenizerOptions { Lowercase = false }.EffectiveStripAccents, Is.False);
        Assert.That(new BertTokenizerOptions { Lowercase = true, StripAccents = false }.EffectiveStripAccents, Is.False);
        Assert.That(TokenizerFixture.Uncased().Tokenize("Café"), Is.EqualTo(TokenizerFixture.Uncased().Tokenize("cafe")));
    }

    [Test]
    public void SpanDestinationTooShortIsAClearError()
    {
        var tokenizer = TokenizerFixture.Uncased();
        var ex = Assert.Throws<ArgumentException>(() => tokenizer.Encode("hello how are".AsSpan(), new int[3], new int[3], out _));
        Assert.That(ex!.Message, Does.Contain("hold 3 tokens").And.Contain("has 5"));
        Assert.That(ex.ParamName, Is.EqualTo("ids"));
    }

    [Test]
    public void InvalidUtf8IsRejectedWithTheOffset()
    {
        var tokenizer = TokenizerFixture.Uncased();
        foreach (var (bytes, offset) in new (byte[], int)[]
                 {
                     ([(byte)'a', (byte)'b', 0xFF], 2),          // never valid in UTF-8
                     ([(byte)'a', 0xC3], 1),                      // truncated two-byte sequence
                     ([0xC0, 0xAF], 0),                           // overlong '/'
                     ([(byte)'x', 0xED, 0xA0, 0x80], 1),          // an encoded surrogate
                     ([(byte)'o', (byte)'k', 0x80, (byte)'z'], 2), // stray continuation byte
                 })
        {
            var ex = Assert.Throws<ArgumentException>(() => tokenizer.EncodeUtf8(bytes), Convert.ToHexString(bytes));
            Assert.That(ex!.Message, Does.Contain("not valid UTF-8").And.Contain($"offset {offset}"), Convert.ToHexString(bytes));
            Assert.Throws<ArgumentException>(() => tokenizer.EncodeUtf8(bytes, new int[16], new int[16], out _));
            Assert.Throws<ArgumentException>(() => tokenizer.EncodeUtf8("ok"u8, bytes));
        }
    }

    [Test]
    public void Utf8AndStringPathsAgree()
    {
        var tokenizer = TokenizerFixture.Uncased();
        const string text = "Ünïcödé 中文 text, with emoji 👍🏽!";
        var expected = Ids(tokenizer.Encode(text));
        Assert.That(Ids(tokenizer.EncodeUtf8(Encoding.UTF8.GetBytes(text))), Is.EqualTo(expected));
        var ids = new int[64];
        int n = tokenizer.EncodeUtf8(Encoding.UTF8.GetBytes(text), ids, new int[64], out bool truncated);
        Assert.That(ids[..n], Is.EqualTo(expected));
        Assert.That(truncated, Is.False);
        Assert.That(Ids(tokenizer.EncodeUtf8(ReadOnlySpan<byte>.Empty)), Is.EqualTo(new[] { 101, 102 }));
    }

    [Test]
    public void RandomInputNeverCrashesAndAllPathsAgree()
    {
        // Seeded fuzzing over a palette of tricky UTF-16 (lone surrogates included).
        const int seed = 4242;
        var random = new Random(seed);
        string[] palette = ["a", "Z", "9", " ", "\t", "\n", ".", "#", "[", "]", "[SEP]", "é", "e\u0301", "\u0301", "İ", "ß", "中", "한", "ア",
            "🙂", "👍🏽", "\u200d", "\u0000", "\ufffd", "\ud800", "\udc00", "\u00a0", "\u0085", "Ω", "ﬁ", "##"];
        var tokenizer = TokenizerFixture.Uncased(maxLength: 32);
        var ids = new int[32];
        var types = new int[32];
        for (int i = 0; i < 2000; i++)
        {
            var builder = new StringBuilder();
            int length = random.Next(0, 40);
            for (int j = 0; j < length; j++) builder.Append(palette[random.Next(palette.Length)]);
            string text = builder.ToString();
            string context = $"seed {seed}, iteration {i}, text {GoldenCase.Escape(text)}";

            var e = tokenizer.Encode(text);
            Assert.That(e.Length, Is.InRange(2, 32), context);
            Assert.That(e.Ids[0], Is.EqualTo(101), context);
            Assert.That(e.Ids[e.Length - 1], Is.EqualTo(102), context);
            Assert.That(e.Ids.ToArray(), Is.All.InRange(0, TokenizerFixture.Vocabulary.Count - 1), context);
            int n = tokenizer.Encode(text.AsSpan(), ids, types, out bool truncated);
            Assert.That(ids[..n], Is.EqualTo(e.Ids.ToArray()), context);
            Assert.That(truncated, Is.EqualTo(e.Truncated), context);
        }
    }

    [Test]
    public void OneTokenizerIsSafeToShareAcrossThreads()
    {
        var tokenizer = TokenizerFixture.Uncased(maxLength: 64);
        var texts = TokenizerFixture.Cases.Where(c => c.Config == "uncased" && c.Pair is null && c.Options.MaxLength is null)
            .Select(c => c.Text).Take(200).ToArray();
        var expected = texts.Select(t => tokenizer.Encode(t).Ids.ToArray()).ToArray();
        var mismatches = new System.Collections.Concurrent.ConcurrentBag<int>();
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 4 }, worker =>
        {
            var ids = new int[64];
            var types = new int[64];
            for (int round = 0; round < 5; round++)
            {
                for (int i = 0; i < texts.Length; i++)
                {
                    int n = tokenizer.Encode(texts[i].AsSpan(), ids, types, out _);
                    if (!ids.AsSpan(0, n).SequenceEqual(expected[i])) mismatches.Add(i);
                }
            }
        });
        Assert.That(mismatches, Is.Empty, "texts whose ids changed under concurrent use (indices into the uncased fixture texts)");
    }
}
