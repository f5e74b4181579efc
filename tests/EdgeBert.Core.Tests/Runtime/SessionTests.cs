using CommunityToolkit.HighPerformance;
using EdgeBert.Core.Tests.Model;
using EdgeBert.Encoder;
using EdgeBert.Format;
using EdgeBert.Runtime;
using EdgeBert.Text;
using RuntimeModel = EdgeBert.Runtime.Model;

namespace EdgeBert.Core.Tests.Runtime;

public class SessionTests
{
    private static readonly RandomModelSpec Spec = new() { Scheme = LinearScheme.W1A1, Attention = AttentionKind.BiAttention, Seed = 3 };

    private static RuntimeModel Load(RandomModelSpec? spec = null) => RuntimeModel.Load(RandomModels.Build(spec ?? Spec));

    [TestCase(LinearScheme.Fp32)]
    [TestCase(LinearScheme.W8A8)]
    [TestCase(LinearScheme.W2A8)]
    [TestCase(LinearScheme.W1A8)]
    [TestCase(LinearScheme.W1A4)]
    [TestCase(LinearScheme.W1A1)]
    public void Classify_allocates_nothing_in_steady_state(LinearScheme scheme)
    {
        using var model = Load(Spec with { Scheme = scheme });
        var session = model.CreateSession();
        var logits = new float[model.Labels.Count];
        const string text = "click here to win free money now";
        session.Classify(text, logits);
        session.Classify(text, logits);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) session.Classify(text, logits);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(allocated, Is.Zero, $"bytes allocated by 10 classifications ({scheme})");
    }

    [Test]
    public void Classify_text_equals_classify_of_its_tokens()
    {
        using var model = Load();
        var session = model.CreateSession();
        var ids = new int[model.MaxLength];
        var types = new int[model.MaxLength];
        int n = session.Tokenize("hello, the meeting is today", ids, types, out bool truncated);
        Assert.That(truncated, Is.False);
        Assert.That(ids[0], Is.EqualTo(model.Vocabulary.ClassifierId));
        Assert.That(ids[n - 1], Is.EqualTo(model.Vocabulary.SeparatorId));
        var a = new float[3];
        var b = new float[3];
        var fromText = session.Classify("hello, the meeting is today", a);
        var fromIds = session.ClassifyTokens(ids.AsSpan(0, n), types.AsSpan(0, n), b);
        Assert.That(a, Is.EqualTo(b));
        Assert.That(fromText.Label, Is.EqualTo(fromIds.Label));
        Assert.That(fromText.TokenCount, Is.EqualTo(n));
        Assert.That(fromText.LabelName, Is.EqualTo(model.Labels[fromText.Label]));
        Assert.That(fromText.Score, Is.GreaterThan(1f / 3).And.LessThanOrEqualTo(1f));
    }

    [Test]
    public void Batch_runs_each_text_at_its_own_length_and_matches_single_calls()
    {
        using var model = Load();
        var session = model.CreateSession();
        string[] texts = ["a", "free money now", "hello the meeting is at ham spam today click here for you", "win"];
        var results = new Classification[texts.Length];
        var logits = new float[texts.Length, 3];
        session.ClassifyBatch(texts, results, logits.AsSpan2D());
        var single = new float[3];
        for (int i = 0; i < texts.Length; i++)
        {
            var one = session.Classify(texts[i], single);
            Assert.That(results[i], Is.EqualTo(one), $"text {i}");
            Assert.That(logits.AsSpan2D().GetRowSpan(i).ToArray(), Is.EqualTo(single), $"text {i}");
        }
        Assert.That(results.Select(r => r.TokenCount).Distinct().Count(), Is.GreaterThan(1), "lengths differ: no padding to the longest");
    }

    [Test]
    public void Overlong_input_is_truncated_with_a_flag_or_fails_when_asked()
    {
        using var model = Load();
        string text = string.Join(' ', Enumerable.Repeat("hello", 40));
        var result = model.CreateSession(new SessionOptions { Overlong = OverlongInput.Truncate }).Classify(text);
        Assert.That(result.Truncated, Is.True);
        Assert.That(result.TokenCount, Is.EqualTo(model.MaxLength));
        var strict = model.CreateSession(new SessionOptions { Overlong = OverlongInput.Fail });
        Assert.Throws<InputTooLongException>(() => strict.Classify(text));
        Assert.That(strict.Classify("hello").Truncated, Is.False);
    }

    [Test]
    public void Embed_and_encode_fill_caller_buffers()
    {
        using var model = Load(Spec with { Pooling = PoolingKind.Mean });
        var session = model.CreateSession();
        var hidden = new float[model.MaxLength * model.HiddenSize];
        var encoded = session.Encode("free money", hidden);
        var embedding = new float[model.HiddenSize];
        var embedded = session.Embed("free money", embedding);
        Assert.That(embedded, Is.EqualTo(encoded));
        for (int d = 0; d < model.HiddenSize; d += 7)
        {
            double mean = Enumerable.Range(0, encoded.TokenCount).Average(t => hidden[t * model.HiddenSize + d]);
            Assert.That(embedding[d], Is.EqualTo(mean).Within(1e-5), $"dimension {d}");
        }
        Assert.Throws<ArgumentException>(() => session.Embed("x", new float[model.HiddenSize - 1]));
        Assert.Throws<ArgumentException>(() => session.Encode("a b c", new float[model.HiddenSize]));
    }

    [Test]
    public void Sessions_on_several_threads_share_one_model()
    {
        using var model = Load();
        var expected = new float[3];
        model.CreateSession().Classify("click here now", expected);
        Parallel.For(0, 4, _ =>
        {
            var session = model.CreateSession();
            var logits = new float[3];
            for (int i = 0; i < 5; i++)
            {
                session.Classify("click here now", logits);
                Assert.That(logits, Is.EqualTo(expected));
            }
        });
    }

    [Test]
    public void Multi_threaded_kernels_give_the_single_threaded_logits()
    {
        using var model = Load(Spec with { Hidden = 128, Ffn = 256 });
        var a = new float[3];
        var b = new float[3];
        model.CreateSession().Classify("click here to win free money", a);
        model.CreateSession(new SessionOptions { Threads = 3 }).Classify("click here to win free money", b);
        Assert.That(b, Is.EqualTo(a));
    }

    [Test]
    public void Bad_calls_throw_clear_exceptions()
    {
        using var model = Load();
        var session = model.CreateSession();
        Assert.That(() => session.ClassifyTokens([2, 999, 3], default),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("999"));
        Assert.That(() => session.ClassifyTokens([], default), Throws.ArgumentException.With.Message.Contains("at least one token"));
        Assert.That(() => session.ClassifyTokens(new int[model.MaxLength + 1], default), Throws.ArgumentException.With.Message.Contains("exceed"));
        Assert.That(() => session.ClassifyTokens([2, 5, 3], [0, 7, 0]), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("type 7"));
        Assert.That(() => session.ClassifyTokens([2, 5, 3], [0, 0]), Throws.ArgumentException.With.Message.Contains("type ids"));
        Assert.That(() => session.Classify("a", new float[1]), Throws.ArgumentException);
        Assert.That(() => model.CreateSession(new SessionOptions { Threads = 0 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
        model.Dispose();
        Assert.That(() => session.Classify("a"), Throws.InstanceOf<ObjectDisposedException>());
    }

    [Test]
    public void Encoder_only_model_embeds_but_does_not_classify()
    {
        using var model = Load(Spec with { Labels = [] });
        var session = model.CreateSession();
        Assert.That(() => session.Classify("hello"), Throws.InvalidOperationException.With.Message.Contains("no labels"));
        Assert.That(session.Embed("hello", new float[model.HiddenSize]).TokenCount, Is.EqualTo(3));
    }

    [Test]
    public void Utf8_and_pair_inputs_match_their_string_and_token_forms()
    {
        using var model = Load();
        var session = model.CreateSession();
        var a = new float[3];
        var b = new float[3];
        session.Classify("free money here", a);
        session.ClassifyUtf8("free money here"u8, b);
        Assert.That(b, Is.EqualTo(a));
        var e1 = new float[model.HiddenSize];
        var e2 = new float[model.HiddenSize];
        session.Embed("hello", e1);
        session.EmbedUtf8("hello"u8, e2);
        Assert.That(e2, Is.EqualTo(e1));
        Assert.That(() => session.ClassifyUtf8([0x66, 0xFF, 0x66]), Throws.ArgumentException);

        var pair = session.ClassifyPair("free money", "click here", a);
        // [CLS] free money [SEP] click here [SEP], types 0 0 0 0 1 1 1.
        int[] ids = [2, 14, 15, 3, 16, 17, 3];
        session.ClassifyTokens(ids, [0, 0, 0, 0, 1, 1, 1], b);
        Assert.That(pair.TokenCount, Is.EqualTo(7));
        Assert.That(b, Is.EqualTo(a));
        session.ClassifyTokens(ids, default, b);
        Assert.That(b, Is.Not.EqualTo(a), "token types reach the encoder");
    }
}
