using EdgeBert.Text;

namespace EdgeBert.Native.Tests;

public class NativeSessionTests
{
    private NativeModel _model = null!;

    [OneTimeSetUp]
    public void Load() => _model = NativeModel.Load(TestModel.Bytes);

    [OneTimeTearDown]
    public void Release() => _model.Release();

    private NativeSession Session(Func<NativeSessionParams, NativeSessionParams>? change = null) =>
        new(_model, change is null ? NativeSessionParams.Default : change(NativeSessionParams.Default));

    [Test]
    public void DefaultsAreOneThreadTheModelsLengthAndTruncation()
    {
        var p = NativeSessionParams.Default;
        Assert.Multiple(() =>
        {
            Assert.That(p.StructSize, Is.EqualTo((nuint)32), "x64 layout of edgebert_session_params (ABI 2)");
            Assert.That((p.Threads, p.MaxLength, p.Pooling, p.Truncate, p.Windows), Is.EqualTo((1, 0, 0, 1, 1)));
        });
        var session = Session();
        Assert.Multiple(() =>
        {
            Assert.That(session.Threads, Is.EqualTo(1));
            Assert.That(session.MaxLength, Is.EqualTo(_model.MaxLength));
            Assert.That(session.Truncate, Is.True);
            Assert.That(session.Windows, Is.True);
        });
        session.Free();
    }

    private static IEnumerable<TestCaseData> BadParams()
    {
        yield return new TestCaseData((Func<NativeSessionParams, NativeSessionParams>)(p => p with { StructSize = 0 }), "struct_size");
        yield return new TestCaseData((Func<NativeSessionParams, NativeSessionParams>)(p => p with { Threads = -1 }), "threads");
        yield return new TestCaseData((Func<NativeSessionParams, NativeSessionParams>)(p => p with { Threads = 5000 }), "threads");
        yield return new TestCaseData((Func<NativeSessionParams, NativeSessionParams>)(p => p with { MaxLength = 2 }), "max_length");
        yield return new TestCaseData((Func<NativeSessionParams, NativeSessionParams>)(p => p with { MaxLength = 33 }), "max_length");
        yield return new TestCaseData((Func<NativeSessionParams, NativeSessionParams>)(p => p with { Pooling = 4 }), "pooling");
        yield return new TestCaseData((Func<NativeSessionParams, NativeSessionParams>)(p => p with { Pooling = -1 }), "pooling");
        yield return new TestCaseData((Func<NativeSessionParams, NativeSessionParams>)(p => p with { Truncate = 2 }), "truncate");
        yield return new TestCaseData((Func<NativeSessionParams, NativeSessionParams>)(p => p with { Truncate = -1 }), "truncate");
    }

    [TestCaseSource(nameof(BadParams))]
    public void BadParamsAreRejectedByName(Func<NativeSessionParams, NativeSessionParams> change, string name)
    {
        var e = Assert.Throws(Is.InstanceOf<ArgumentException>(), () => Session(change));
        Assert.That(e!.Message, Does.Contain(name));
        Assert.That(NativeErrors.StatusOf(e), Is.EqualTo(NativeStatus.InvalidArgument));
    }

    [Test]
    public void ZeroThreadsMeansOnePerCore()
    {
        var session = Session(p => p with { Threads = 0 });
        Assert.That(session.Threads, Is.EqualTo(Environment.ProcessorCount));
        session.Free();
    }

    [Test]
    public void TokenizeMatchesTheModelsTokenizer()
    {
        var session = Session();
        var reference = new BertTokenizer(_model.Vocabulary, _model.TokenizerOptions(_model.MaxLength, truncate: true));
        foreach (string text in new[] { "", "hello world", "Naïve CAFÉ, grüße!", "the the the a a a of of" })
        {
            var ids = new int[_model.MaxLength];
            int n = session.Tokenize(System.Text.Encoding.UTF8.GetBytes(text), ids);
            var expected = reference.Encode(text);
            Assert.That(ids.AsSpan(0, n).ToArray(), Is.EqualTo(expected.Ids.ToArray()), $"text \"{text}\"");
            Assert.That(ids[0], Is.EqualTo(_model.Vocabulary.ClassifierId));
            Assert.That(ids[n - 1], Is.EqualTo(_model.Vocabulary.SeparatorId));
        }
        session.Free();
    }

    [Test]
    public void TokenizeReportsTheSizeNeeded()
    {
        var session = Session();
        int n = session.Tokenize("hello world"u8, new int[32]);
        var e = Assert.Throws<BufferTooSmallException>(() => session.Tokenize("hello world"u8, new int[n - 1]));
        Assert.That(e!.Needed, Is.EqualTo(n));
        Assert.Throws<BufferTooSmallException>(() => session.Tokenize("hello world"u8, Span<int>.Empty));
        session.Free();
    }

    [Test]
    public void LongTextIsCutOrFailsAsConfigured()
    {
        byte[] text = System.Text.Encoding.UTF8.GetBytes(string.Join(' ', Enumerable.Repeat("hello", 200)));
        var cut = Session(p => p with { MaxLength = 7 });
        var ids = new int[64];
        Assert.That(cut.Tokenize(text, ids), Is.EqualTo(7));
        Assert.That(ids[6], Is.EqualTo(_model.Vocabulary.SeparatorId));
        cut.Free();
        var strict = Session(p => p with { Truncate = 0 });
        var e = Assert.Throws<InputTooLongException>(() => strict.Tokenize(text, ids));
        Assert.That(NativeErrors.StatusOf(e!), Is.EqualTo(NativeStatus.InputTooLong));
        strict.Free();
    }

    [Test]
    public void InvalidUtf8IsReported()
    {
        var session = Session();
        var e = Assert.Throws<NativeException>(() => session.Tokenize([0x61, 0xff], new int[8]));
        Assert.That(e!.Status, Is.EqualTo(NativeStatus.InvalidUtf8));
        session.Free();
    }

    [Test]
    public void AFreedSessionRefusesWork()
    {
        var session = Session();
        session.Free();
        session.Free(); // idempotent: the model's reference is dropped once
        var e = Assert.Throws<ObjectDisposedException>(() => session.Tokenize("x"u8, new int[8]));
        Assert.That(NativeErrors.StatusOf(e!), Is.EqualTo(NativeStatus.InvalidHandle));
        Assert.That(_model.IsReleased, Is.False);
    }
}
