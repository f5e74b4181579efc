using System.Text;
using EdgeBert.Core.Tests.Model;
using EdgeBert.Encoder;
using EdgeBert.Format;
using EdgeBert.Runtime;
using EdgeBert.Text;
using RuntimeModel = EdgeBert.Runtime.Model;

namespace EdgeBert.Core.Tests.Runtime;

/// <summary>OverlongInput.Windows: a long text is classified whole over overlapping windows.</summary>
public class SessionWindowsTests
{
    private static readonly string[] Words = ["free", "money", "hello", "meeting", "today", "click", "here", "win", "now", "offer", "the", "ham", "spam"];

    private static RuntimeModel Load(int seed = 7) =>
        RuntimeModel.Load(RandomModels.Build(new RandomModelSpec { Scheme = LinearScheme.W1A1, Attention = AttentionKind.BiAttention, Seed = seed }));

    /// <summary>A text of <paramref name="words"/> words of the test vocabulary (one word piece each), varied so windows differ.</summary>
    private static string Text(int words) => string.Join(' ', Enumerable.Range(0, words).Select(i => Words[(i * 7 + i / 3) % Words.Length]));

    /// <summary>The text's word pieces as the model's tokenizer gives them without a length limit.</summary>
    private static int[] Pieces(RuntimeModel model, string text) =>
        [.. new BertTokenizer(model.Vocabulary, model.TokenizerOptions(OverlongInput.Truncate) with { MaxLength = null }).Encode(text).Ids[1..^1]];

    /// <summary>The logits of each window computed independently: [CLS] pieces[start..start+width) [SEP] through ClassifyTokens.</summary>
    private static List<float[]> WindowLogits(RuntimeModel model, int[] pieces, int width)
    {
        var reference = model.CreateSession(new SessionOptions { Overlong = OverlongInput.Truncate });
        var all = new List<float[]>();
        int stride = width / 2;
        for (int start = 0; ; start += stride)
        {
            start = Math.Min(start, pieces.Length - width);
            int[] ids = [model.Vocabulary.ClassifierId, .. pieces.AsSpan(start, width), model.Vocabulary.SeparatorId];
            var logits = new float[model.Labels.Count];
            reference.ClassifyTokens(ids, default, logits);
            all.Add(logits);
            if (start + width >= pieces.Length) break;
        }
        return all;
    }

    /// <summary>BertTokenizer.EncodeWindows (the trainer's --train-windows) gives exactly the windows a session reads.</summary>
    [TestCase(5)]
    [TestCase(40)]
    [TestCase(300)]
    public void Tokenizer_windows_are_the_windows_the_session_reads(int words)
    {
        var model = Load();
        string text = Text(words);
        var tokenizer = new BertTokenizer(model.Vocabulary, model.TokenizerOptions(OverlongInput.Windows));
        IReadOnlyList<int[]> windows = tokenizer.EncodeWindows(text);
        int[] pieces = Pieces(model, text);
        var expected = new TextWindows(pieces.Length, tokenizer.Options.MaxLength!.Value - 2);
        Assert.That(windows, Has.Count.EqualTo(expected.Count), $"{pieces.Length} pieces");
        for (int w = 0; w < expected.Count; w++)
        {
            int[] ids = [model.Vocabulary.ClassifierId, .. pieces.AsSpan(expected.Start(w), expected.Length(w)), model.Vocabulary.SeparatorId];
            Assert.That(windows[w], Is.EqualTo(ids), $"window {w}");
        }
        if (expected.Count == 1) Assert.That(windows[0], Is.EqualTo(tokenizer.Encode(text).Ids.ToArray()), "a text that fits: the plain encoding");
        Assert.That(model.CreateSession().Classify(text).Windows, Is.EqualTo(windows.Count), "the session reports as many windows");
    }

    [TestCase(1, 1)]
    [TestCase(14, 1)]
    [TestCase(15, 2)]
    [TestCase(21, 2)]
    [TestCase(22, 3)]
    [TestCase(1000, 142)]
    public void Windows_cover_every_piece_and_the_last_ends_the_text(int pieces, int expected)
    {
        var windows = new TextWindows(pieces, 14);
        Assert.That(windows.Count, Is.EqualTo(expected));
        var covered = new int[pieces];
        for (int w = 0; w < windows.Count; w++)
        {
            Assert.That(windows.Length(w), Is.EqualTo(Math.Min(14, pieces)), $"window {w} is full");
            for (int i = windows.Start(w); i < windows.Start(w) + windows.Length(w); i++) covered[i]++;
        }
        Assert.That(covered, Has.All.InRange(1, 3), "half-window stride; the last window, moved back to end the text, may add a third");
        Assert.That(windows.Start(windows.Count - 1) + windows.Length(windows.Count - 1), Is.EqualTo(pieces), "the last window ends the text");
    }

    [Test]
    public void A_text_that_fits_is_one_window_and_the_same_result_as_truncating()
    {
        using var model = Load();
        string text = Text(10);
        var windowed = new float[3];
        var truncated = new float[3];
        var a = model.CreateSession().Classify(text, windowed);
        var b = model.CreateSession(new SessionOptions { Overlong = OverlongInput.Truncate }).Classify(text, truncated);
        Assert.That(a, Is.EqualTo(b));
        Assert.That(a.Windows, Is.EqualTo(1));
        Assert.That(windowed, Is.EqualTo(truncated));
    }

    [Test]
    public void Mean_logits_is_the_mean_over_the_windows()
    {
        using var model = Load();
        string text = Text(40);
        int width = model.MaxLength - 2;
        int[] pieces = Pieces(model, text);
        Assert.That(pieces, Has.Length.EqualTo(40));
        var perWindow = WindowLogits(model, pieces, width);
        var expected = new float[3];
        foreach (var w in perWindow) for (int j = 0; j < 3; j++) expected[j] += w[j];
        for (int j = 0; j < 3; j++) expected[j] /= perWindow.Count;

        var logits = new float[3];
        var result = model.CreateSession().Classify(text, logits);
        Assert.Multiple(() =>
        {
            Assert.That(result.Windows, Is.EqualTo(perWindow.Count).And.EqualTo(new TextWindows(40, width).Count));
            Assert.That((result.TokenCount, result.Truncated), Is.EqualTo((42, false)));
            Assert.That(logits, Is.EqualTo(expected).Within(1e-5f));
            Assert.That(result.Label, Is.EqualTo(Array.IndexOf(logits, logits.Max())));
            Assert.That(result.Score, Is.EqualTo(Probabilities.Of(logits, result.Label, 1f)));
        });
    }

    [Test]
    public void Max_positive_takes_the_window_most_sure_of_the_last_label()
    {
        using var model = Load();
        string text = Text(40);
        var perWindow = WindowLogits(model, Pieces(model, text), model.MaxLength - 2);
        var expected = perWindow.MaxBy(z => Probabilities.Of(z, 2, 1f))!;

        var logits = new float[3];
        var result = model.CreateSession(new SessionOptions { Aggregation = WindowAggregation.MaxPositive }).Classify(text, logits);
        Assert.That(logits, Is.EqualTo(expected));
        Assert.That(result.Windows, Is.EqualTo(perWindow.Count));
    }

    [Test]
    public void Utf8_batch_and_text_agree_over_windows()
    {
        using var model = Load();
        var session = model.CreateSession();
        string[] texts = [Text(3), Text(200), Text(31)];
        var batch = new Classification[3];
        session.ClassifyBatch(texts, batch);
        for (int i = 0; i < texts.Length; i++)
        {
            var one = session.Classify(texts[i]);
            Assert.That(session.ClassifyUtf8(Encoding.UTF8.GetBytes(texts[i])), Is.EqualTo(one), texts[i]);
            Assert.That(batch[i], Is.EqualTo(one), texts[i]);
        }
        Assert.That(batch.Select(r => r.Windows), Is.EqualTo(new[] { 1, new TextWindows(200, 14).Count, new TextWindows(31, 14).Count }));
    }

    [Test]
    public void Windows_allocate_nothing_in_steady_state()
    {
        using var model = Load();
        var session = model.CreateSession();
        var logits = new float[3];
        string longText = Text(300), shortText = Text(5);
        session.Classify(longText, logits);
        session.Classify(shortText, logits);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++)
        {
            session.Classify(longText, logits);
            session.Classify(shortText, logits);
        }
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    [Test]
    public void Pairs_embed_and_tokenize_still_truncate_in_a_windows_session()
    {
        using var model = Load();
        var session = model.CreateSession();
        string text = Text(40);
        Assert.That(session.ClassifyPair(text, "hello").Truncated, Is.True);
        Assert.That(session.Embed(text, new float[model.HiddenSize]).Truncated, Is.True);
        Assert.That(session.Tokenize(text, new int[model.MaxLength], new int[model.MaxLength], out bool truncated), Is.EqualTo(model.MaxLength));
        Assert.That(truncated, Is.True);
    }
}
