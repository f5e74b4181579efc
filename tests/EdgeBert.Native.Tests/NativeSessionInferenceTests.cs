using System.Text;
using EdgeBert.Runtime;
using EdgeBert.Text;

namespace EdgeBert.Native.Tests;

/// <summary>The C ABI's classify and embed give exactly what the C# API (Runtime.Session) gives.</summary>
public class NativeSessionInferenceTests
{
    private static readonly string[] Texts =
    [
        "", "hello world", "Naïve CAFÉ, grüße!", "the the the a a a of of",
        string.Join(' ', Enumerable.Repeat("hello world", 40)), // longer than the model's 32 tokens
    ];

    private NativeModel _native = null!;
    private Model _model = null!;

    [OneTimeSetUp]
    public void Load()
    {
        _native = NativeModel.Load(TestModel.Path);
        _model = Model.Load(TestModel.Path);
    }

    [OneTimeTearDown]
    public void Release()
    {
        _native.Release();
        _model.Dispose();
    }

    [Test]
    public void ClassifyMatchesTheRuntimeBitForBit()
    {
        var native = new NativeSession(_native, NativeSessionParams.Default);
        var session = _model.CreateSession();
        foreach (string text in Texts)
        {
            var expectedLogits = new float[3];
            var expected = session.Classify(text, expectedLogits);
            var logits = new float[3];
            var actual = native.Classify(Encoding.UTF8.GetBytes(text), logits);
            Assert.Multiple(() =>
            {
                Assert.That(actual.Label, Is.EqualTo(expected.Label), text);
                Assert.That(actual.Score, Is.EqualTo(expected.Score), text);
                Assert.That(actual.TokenCount, Is.EqualTo(expected.TokenCount), text);
                Assert.That(actual.Truncated != 0, Is.EqualTo(expected.Truncated), text);
                Assert.That(actual.Windows, Is.EqualTo(expected.Windows), text);
                Assert.That(logits, Is.EqualTo(expectedLogits), text);
            });
        }
        native.Free();
    }

    [Test]
    public void TokenizeMatchesTheRuntime()
    {
        var native = new NativeSession(_native, NativeSessionParams.Default);
        var session = _model.CreateSession();
        foreach (string text in Texts)
        {
            int[] ids = new int[_model.MaxLength], typeIds = new int[_model.MaxLength], actual = new int[_model.MaxLength];
            int n = session.Tokenize(text, ids, typeIds, out _);
            int m = native.Tokenize(Encoding.UTF8.GetBytes(text), actual);
            Assert.That(actual.AsSpan(0, m).ToArray(), Is.EqualTo(ids.AsSpan(0, n).ToArray()), text);
        }
        native.Free();
    }

    [Test]
    public void BatchEqualsOneCallPerText()
    {
        var native = new NativeSession(_native, NativeSessionParams.Default);
        var results = new NativeClassification[Texts.Length];
        var logits = new float[Texts.Length * 3];
        native.ClassifyBatch(Texts, results, logits);
        for (int i = 0; i < Texts.Length; i++)
        {
            var single = new float[3];
            var one = native.Classify(Encoding.UTF8.GetBytes(Texts[i]), single);
            Assert.That(results[i], Is.EqualTo(one), $"text {i}");
            Assert.That(logits.AsSpan(i * 3, 3).ToArray(), Is.EqualTo(single), $"text {i}");
        }
        Assert.Throws<BufferTooSmallException>(() => native.ClassifyBatch(Texts, results, new float[3]));
        Assert.Throws<ArgumentException>(() => native.ClassifyBatch(Texts, new NativeClassification[1], default));
        native.Free();
    }

    [Test]
    public void AShorterMaxLengthClassifiesTheCutTokensWithoutWindows()
    {
        var native = new NativeSession(_native, NativeSessionParams.Default with { MaxLength = 6, Windows = 0 });
        var session = _model.CreateSession();
        byte[] text = Encoding.UTF8.GetBytes(Texts[4]);
        var ids = new int[6];
        Assert.That(native.Tokenize(text, ids), Is.EqualTo(6));
        var logits = new float[3];
        var actual = native.Classify(text, logits);
        var expectedLogits = new float[3];
        var expected = session.ClassifyTokens(ids, new int[6], expectedLogits);
        Assert.Multiple(() =>
        {
            Assert.That((actual.Label, actual.Score, actual.TokenCount, actual.Truncated), Is.EqualTo((expected.Label, expected.Score, 6, 1)));
            Assert.That(logits, Is.EqualTo(expectedLogits));
        });
        native.Free();
    }

    [Test]
    public void ByDefaultALongTextIsClassifiedWholeOverWindowsAsTheRuntimeDoes()
    {
        var native = new NativeSession(_native, NativeSessionParams.Default with { MaxLength = 6 });
        var session = _model.CreateSession(new SessionOptions { MaxLength = 6 });
        byte[] text = Encoding.UTF8.GetBytes(Texts[4]);
        var logits = new float[3];
        var actual = native.Classify(text, logits);
        var expectedLogits = new float[3];
        var expected = session.Classify(Texts[4], expectedLogits);
        Assert.Multiple(() =>
        {
            Assert.That(expected.Windows, Is.GreaterThan(1));
            Assert.That((actual.Label, actual.Score, actual.TokenCount, actual.Truncated, actual.Windows),
                Is.EqualTo((expected.Label, expected.Score, expected.TokenCount, 0, expected.Windows)));
            Assert.That(logits, Is.EqualTo(expectedLogits));
        });
        var strict = new NativeSession(_native, NativeSessionParams.Default with { MaxLength = 6, Truncate = 0 });
        Assert.Throws<EdgeBert.Text.InputTooLongException>(() => strict.Classify(text, logits), "truncate 0 refuses, windows or not");
        native.Free();
        strict.Free();
    }

    [Test]
    public void EmbedWithTheModelsPoolingMatchesTheRuntime()
    {
        var native = new NativeSession(_native, NativeSessionParams.Default);
        var session = _model.CreateSession();
        foreach (string text in Texts)
        {
            var expected = new float[32];
            var r = session.Embed(text, expected);
            var actual = new float[32];
            var n = native.Embed(Encoding.UTF8.GetBytes(text), actual);
            Assert.That(actual, Is.EqualTo(expected), text);
            Assert.That((n.TokenCount, n.Truncated != 0), Is.EqualTo((r.TokenCount, r.Truncated)), text);
        }
        Assert.Throws<BufferTooSmallException>(() => native.Embed("x"u8, new float[31]));
        native.Free();
    }

    [Test]
    public void ClsAndMeanPoolingAreComputedFromTheHiddenStates()
    {
        var session = _model.CreateSession();
        var hidden = new float[_model.MaxLength * 32];
        var r = session.Encode("hello world", hidden);
        var cls = new NativeSession(_native, NativeSessionParams.Default with { Pooling = (int)NativePooling.Cls });
        var mean = new NativeSession(_native, NativeSessionParams.Default with { Pooling = (int)NativePooling.Mean });
        float[] a = new float[32], b = new float[32];
        cls.Embed("hello world"u8, a);
        mean.Embed("hello world"u8, b);
        var expectedMean = MeanOfRows(hidden, r.TokenCount);
        Assert.Multiple(() =>
        {
            Assert.That(a, Is.EqualTo(hidden.AsSpan(0, 32).ToArray()));
            Assert.That(b, Is.EqualTo(expectedMean).Within(1e-5f));
        });
        cls.Free();
        mean.Free();
    }

    [Test]
    public void AShorterMaxLengthEmbedsTheCutTokensAsClassifySeesThem()
    {
        var native = new NativeSession(_native, NativeSessionParams.Default with { MaxLength = 6 });
        var session = _model.CreateSession();
        byte[] text = Encoding.UTF8.GetBytes(Texts[4]);
        var ids = new int[6];
        Assert.That(native.Tokenize(text, ids), Is.EqualTo(6));
        var embedding = new float[32];
        var result = native.Embed(text, embedding);
        var expected = new float[32];
        session.EmbedTokens(ids, new int[6], expected);
        Assert.Multiple(() =>
        {
            Assert.That((result.TokenCount, result.Truncated), Is.EqualTo((6, 1)));
            Assert.That(embedding, Is.EqualTo(expected));
        });
        // The same as a runtime session with the same limit, which cuts the text itself.
        var limited = _model.CreateSession(new SessionOptions { MaxLength = 6 });
        var fromText = new float[32];
        var r = limited.Embed(Texts[4], fromText);
        Assert.That((r.TokenCount, r.Truncated, fromText), Is.EqualTo((6, true, embedding)));
        var fits = native.Embed(""u8, new float[32]); // [CLS] [SEP] fits in 6
        Assert.That((fits.TokenCount, fits.Truncated), Is.EqualTo((2, 0)));
        native.Free();
    }

    [Test]
    public void AShorterMaxLengthCutsClsAndMeanPoolingToo()
    {
        byte[] text = Encoding.UTF8.GetBytes(Texts[4]);
        var limited = _model.CreateSession(new SessionOptions { MaxLength = 6 });
        var hidden = new float[6 * 32];
        var r = limited.Encode(Texts[4], hidden);
        Assert.That((r.TokenCount, r.Truncated), Is.EqualTo((6, true)));
        var cls = new NativeSession(_native, NativeSessionParams.Default with { MaxLength = 6, Pooling = (int)NativePooling.Cls });
        var mean = new NativeSession(_native, NativeSessionParams.Default with { MaxLength = 6, Pooling = (int)NativePooling.Mean });
        float[] a = new float[32], b = new float[32];
        var ra = cls.Embed(text, a);
        var rb = mean.Embed(text, b);
        var expectedMean = MeanOfRows(hidden, 6);
        Assert.Multiple(() =>
        {
            Assert.That((ra.TokenCount, ra.Truncated, rb.TokenCount, rb.Truncated), Is.EqualTo((6, 1, 6, 1)));
            Assert.That(a, Is.EqualTo(hidden.AsSpan(0, 32).ToArray()));
            Assert.That(b, Is.EqualTo(expectedMean).Within(1e-5f));
        });
        cls.Free();
        mean.Free();
    }

    [Test]
    public void AShorterMaxLengthThatDoesNotTruncateFailsOnLongTextInEmbedAsInClassify()
    {
        var native = new NativeSession(_native, NativeSessionParams.Default with { MaxLength = 6, Truncate = 0 });
        byte[] text = Encoding.UTF8.GetBytes(Texts[4]);
        Assert.Throws<InputTooLongException>(() => native.Embed(text, new float[32]));
        Assert.Throws<InputTooLongException>(() => native.Classify(text, new float[3]));
        native.Free();
    }

    /// <summary>The mean of the first <paramref name="tokens"/> rows of 32 floats, summed in double (the reference for mean pooling).</summary>
    private static float[] MeanOfRows(float[] hidden, int tokens)
    {
        var mean = new float[32];
        for (int j = 0; j < 32; j++)
        {
            double sum = 0;
            for (int t = 0; t < tokens; t++) sum += hidden[t * 32 + j];
            mean[j] = (float)(sum / tokens);
        }
        return mean;
    }
}
