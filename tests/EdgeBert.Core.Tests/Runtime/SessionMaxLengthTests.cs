using EdgeBert.Core.Tests.Model;
using EdgeBert.Encoder;
using EdgeBert.Format;
using EdgeBert.Runtime;
using EdgeBert.Text;
using RuntimeModel = EdgeBert.Runtime.Model;

namespace EdgeBert.Core.Tests.Runtime;

/// <summary>SessionOptions.MaxLength: one limit for classify, embed and encode alike.</summary>
public class SessionMaxLengthTests
{
    private const int Limit = 5;
    private static readonly string LongText = string.Join(' ', Enumerable.Repeat("hello world free money", 20));

    private static RuntimeModel Load(PoolingKind pooling = PoolingKind.Cls) =>
        RuntimeModel.Load(RandomModels.Build(new RandomModelSpec { Scheme = LinearScheme.W1A1, Attention = AttentionKind.BiAttention, Seed = 5, Pooling = pooling }));

    /// <summary>The ids a full-length session gives, cut as the tokenizer cuts a single text: the first Limit − 1 pieces, then [SEP].</summary>
    private static int[] CutIds(RuntimeModel model, string text)
    {
        var ids = new int[model.MaxLength];
        int n = model.CreateSession().Tokenize(text, ids, new int[model.MaxLength], out _);
        Assert.That(n, Is.GreaterThan(Limit), "the text is longer than the limit");
        return [.. ids.AsSpan(0, Limit - 1), model.Vocabulary.SeparatorId];
    }

    [Test]
    public void Classify_cuts_at_the_sessions_length_and_equals_the_cut_tokens()
    {
        using var model = Load();
        var session = model.CreateSession(new SessionOptions { MaxLength = Limit, Overlong = OverlongInput.Truncate });
        Assert.That(session.MaxLength, Is.EqualTo(Limit));
        var logits = new float[3];
        var result = session.Classify(LongText, logits);
        var expected = new float[3];
        var fromIds = model.CreateSession().ClassifyTokens(CutIds(model, LongText), default, expected);
        Assert.Multiple(() =>
        {
            Assert.That((result.TokenCount, result.Truncated), Is.EqualTo((Limit, true)));
            Assert.That(result.Label, Is.EqualTo(fromIds.Label));
            Assert.That(logits, Is.EqualTo(expected));
        });
    }

    [TestCase(PoolingKind.Cls)]
    [TestCase(PoolingKind.Mean)]
    [TestCase(PoolingKind.Pooler)]
    public void Embed_and_encode_cut_at_the_sessions_length_as_classify_does(PoolingKind pooling)
    {
        using var model = Load(pooling);
        var session = model.CreateSession(new SessionOptions { MaxLength = Limit });
        int h = model.HiddenSize;
        var embedding = new float[h];
        var embedded = session.Embed(LongText, embedding);
        var expected = new float[h];
        model.CreateSession().EmbedTokens(CutIds(model, LongText), default, expected);
        Assert.That((embedded.TokenCount, embedded.Truncated), Is.EqualTo((Limit, true)));
        Assert.That(embedding, Is.EqualTo(expected));

        var hidden = new float[Limit * h];
        var encoded = session.Encode(LongText, hidden);
        var expectedHidden = new float[Limit * h];
        model.CreateSession().EncodeTokens(CutIds(model, LongText), default, expectedHidden);
        Assert.That((encoded.TokenCount, encoded.Truncated), Is.EqualTo((Limit, true)));
        Assert.That(hidden, Is.EqualTo(expectedHidden));

        var utf8 = new float[h];
        Assert.That(session.EmbedUtf8(System.Text.Encoding.UTF8.GetBytes(LongText), utf8).TokenCount, Is.EqualTo(Limit));
        Assert.That(utf8, Is.EqualTo(embedding));
    }

    [Test]
    public void Text_within_the_limit_gives_what_a_full_length_session_gives()
    {
        using var model = Load();
        var short_ = model.CreateSession(new SessionOptions { MaxLength = Limit });
        var full = model.CreateSession();
        float[] a = new float[3], b = new float[3], ea = new float[model.HiddenSize], eb = new float[model.HiddenSize];
        Assert.That(short_.Classify("hello", a), Is.EqualTo(full.Classify("hello", b)));
        Assert.That(a, Is.EqualTo(b));
        Assert.That(short_.Embed("hello", ea), Is.EqualTo(full.Embed("hello", eb)));
        Assert.That(ea, Is.EqualTo(eb));
    }

    [Test]
    public void Failing_sessions_fail_at_their_own_length()
    {
        using var model = Load();
        var strict = model.CreateSession(new SessionOptions { MaxLength = Limit, Overlong = OverlongInput.Fail });
        Assert.Throws<InputTooLongException>(() => strict.Classify(LongText));
        Assert.Throws<InputTooLongException>(() => strict.Embed(LongText, new float[model.HiddenSize]));
        Assert.That(strict.Classify("hello").Truncated, Is.False);
    }

    [Test]
    public void Out_of_range_limits_and_longer_token_sequences_are_refused_clearly()
    {
        using var model = Load();
        Assert.That(() => model.CreateSession(new SessionOptions { MaxLength = 2 }),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("MaxLength must be 3"));
        Assert.That(() => model.CreateSession(new SessionOptions { MaxLength = model.MaxLength + 1 }),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains($"{model.MaxLength}"));
        Assert.That(model.CreateSession(new SessionOptions { MaxLength = model.MaxLength }).MaxLength, Is.EqualTo(model.MaxLength));
        var session = model.CreateSession(new SessionOptions { MaxLength = Limit });
        int[] ids = [model.Vocabulary.ClassifierId, 5, 6, 7, 8, model.Vocabulary.SeparatorId];
        Assert.That(() => session.ClassifyTokens(ids, default),
            Throws.ArgumentException.With.Message.Contains($"session's MaxLength of {Limit}"));
    }
}
