using EdgeBert.Encoder;
using EdgeBert.Runtime;

namespace EdgeBert.Core.Tests.Runtime;

/// <summary>
/// A session's scratch starts small for a short first input and grows once to the full length:
/// the capacity never changes a result, and after the longest input nothing is allocated.
/// </summary>
public class SessionScratchTests
{
    private static EdgeBert.Runtime.Model Load(LinearScheme scheme, int maxPositions = 64) =>
        EdgeBert.Runtime.Model.Load(RandomBert.Build(new RandomBertOptions
        {
            Layers = 2, Hidden = 32, Heads = 2, Ffn = 64, MaxPositions = maxPositions, Scheme = scheme, Seed = 6, Labels = ["a", "b", "c"],
        }).ToArray());

    private static readonly string Short = "free money now";
    private static readonly string Long = string.Join(' ', Enumerable.Repeat("click here to win free money now", 12)); // past 64 tokens: windows

    [TestCaseSource(typeof(LinearSchemes), nameof(LinearSchemes.All))]
    public void Short_then_long_then_short_gives_what_fresh_sessions_give(LinearScheme scheme)
    {
        using var model = Load(scheme);
        float[] Fresh(string text)
        {
            var logits = new float[3];
            model.CreateSession().Classify(text, logits);
            return logits;
        }
        float[] shortFresh = Fresh(Short), longFresh = Fresh(Long);
        var session = model.CreateSession();
        var logits = new float[3];
        Assert.That(session.Classify(Short, logits).TokenCount, Is.LessThan(Session.InitialScratchTokens));
        Assert.That(logits, Is.EqualTo(shortFresh), "short on a small scratch");
        Assert.That(session.Classify(Long, logits).Windows, Is.GreaterThan(1), "past 64 tokens: windows of the full length");
        Assert.That(logits, Is.EqualTo(longFresh), "long after growing");
        session.Classify(Short, logits);
        Assert.That(logits, Is.EqualTo(shortFresh), "short on the grown scratch");

        var hidden = new float[64 * 32];
        var embedding = new float[32];
        var other = model.CreateSession();
        other.Encode(Long, hidden);
        var expected = new float[32];
        model.CreateSession().Embed(Short, expected);
        other.Embed(Short, embedding);
        Assert.That(embedding, Is.EqualTo(expected), "embed after a long encode");
    }

    [Test]
    public void After_the_longest_input_nothing_is_allocated()
    {
        using var model = Load(LinearScheme.W1A1);
        var session = model.CreateSession();
        var logits = new float[3];
        for (int i = 0; i < 3; i++)
        {
            session.Classify(Short, logits);
            session.Classify(Long, logits);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++)
        {
            session.Classify(Short, logits);
            session.Classify(Long, logits);
        }
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    [Test]
    public void A_first_input_longer_than_the_initial_size_gets_the_full_length_at_once()
    {
        using var model = Load(LinearScheme.Fp32);
        var logits = new float[3];
        // Another session first runs both texts, so that one-time work (statics, tiered JIT) is not counted.
        var warm = model.CreateSession();
        for (int i = 0; i < 3; i++)
        {
            warm.Classify(Short, logits);
            warm.Classify(Long, logits);
        }
        var session = model.CreateSession();
        session.Classify(Long, logits);
        long before = GC.GetAllocatedBytesForCurrentThread();
        session.Classify(Short, logits);
        session.Classify(Long, logits);
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero, "no second growth");
    }

    [Test]
    public void Token_sequences_past_the_models_length_still_fail_clearly()
    {
        using var model = Load(LinearScheme.Fp32, maxPositions: 16);
        var session = model.CreateSession();
        session.Classify(Short);
        Assert.That(() => session.ClassifyTokens(new int[17], default), Throws.ArgumentException.With.Message.Contains("exceed"));
        Assert.That(session.Classify(Long).Windows, Is.GreaterThan(1));
        Assert.That(model.CreateSession(new SessionOptions { Overlong = OverlongInput.Truncate }).Classify(Long).TokenCount, Is.EqualTo(16));
    }
}
