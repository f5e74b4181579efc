using System.Runtime.InteropServices;
using System.Text;

namespace EdgeBert.Native.Tests;

/// <summary>
/// The shim itself, called in-process through unmanaged function pointers exactly as C calls it
/// (tests/native covers the same through the real libedgebert.so).
/// </summary>
public unsafe class ExportsTests
{
    private static string LastError => Marshal.PtrToStringUTF8((nint)((delegate* unmanaged<byte*>)&Exports.LastErrorExport)())!;

    private static int Load(string path, out nint model)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes)
        fixed (nint* m = &model)
        {
            return ((delegate* unmanaged<byte*, nint*, int>)&Exports.ModelLoadExport)(p, m);
        }
    }

    private static void FreeModel(nint model) => ((delegate* unmanaged<nint, void>)&Exports.ModelFreeExport)(model);

    private static void FreeSession(nint session) => ((delegate* unmanaged<nint, void>)&Exports.SessionFreeExport)(session);

    private static int CreateSession(nint model, NativeSessionParams* p, out nint session)
    {
        fixed (nint* s = &session)
        {
            return ((delegate* unmanaged<nint, NativeSessionParams*, nint*, int>)&Exports.SessionCreateExport)(model, p, s);
        }
    }

    private static int Tokenize(nint session, ReadOnlySpan<byte> text, int[]? ids, nuint capacity, out nuint needed)
    {
        fixed (byte* t = text)
        fixed (int* i = ids)
        fixed (nuint* n = &needed)
        {
            return ((delegate* unmanaged<nint, byte*, nuint, int*, nuint, nuint*, int>)&Exports.SessionTokenizeExport)(session, t, (nuint)text.Length, i, capacity, n);
        }
    }

    [Test]
    public void VersionsAndSystemInfo()
    {
        Assert.That(((delegate* unmanaged<int>)&Exports.AbiVersionExport)(), Is.EqualTo(2));
        Assert.That(Marshal.PtrToStringUTF8((nint)((delegate* unmanaged<byte*>)&Exports.VersionExport)()), Is.EqualTo(NativeSystemInfo.Version));
        var info = (delegate* unmanaged<byte*, nuint, nuint*, int>)&Exports.SystemInfoExport;
        nuint needed = 0;
        Assert.That((NativeStatus)info(null, 0, &needed), Is.EqualTo(NativeStatus.BufferTooSmall));
        var buffer = new byte[(int)needed];
        fixed (byte* b = buffer)
        {
            Assert.That((NativeStatus)info(b, needed, &needed), Is.EqualTo(NativeStatus.Ok));
        }
        Assert.That(Encoding.UTF8.GetString(buffer, 0, buffer.Length - 1), Is.EqualTo(NativeSystemInfo.Describe()));
        Assert.That(LastError, Is.Empty, "success clears the last error");
    }

    [Test]
    public void LoadFailuresLeaveNoHandleAndAMessage()
    {
        Assert.That((NativeStatus)Load("/nonexistent/model.ebm", out nint model), Is.EqualTo(NativeStatus.IO));
        Assert.Multiple(() =>
        {
            Assert.That(model, Is.EqualTo((nint)0));
            Assert.That(LastError, Does.Contain("/nonexistent/model.ebm"));
        });
        nint m = 1;
        int status = ((delegate* unmanaged<byte*, nint*, int>)&Exports.ModelLoadExport)(null, &m);
        Assert.That(((NativeStatus)status, m), Is.EqualTo((NativeStatus.NullPointer, (nint)0)));
        byte[] garbage = new byte[100];
        fixed (byte* g = garbage)
        {
            status = ((delegate* unmanaged<byte*, nuint, nint*, int>)&Exports.ModelLoadFromMemoryExport)(g, 100, &m);
        }
        Assert.That((NativeStatus)status, Is.EqualTo(NativeStatus.ModelFormat));
    }

    [Test]
    public void SessionLifecycleThroughTheShim()
    {
        Assert.That((NativeStatus)Load(TestModel.Path, out nint model), Is.EqualTo(NativeStatus.Ok));
        var p = NativeSessionParams.Default;
        Assert.That((NativeStatus)CreateSession(model, &p, out nint session), Is.EqualTo(NativeStatus.Ok));

        // Size query, then the real call; the needed size is written either way.
        Assert.That((NativeStatus)Tokenize(session, "hello world"u8, null, 0, out nuint needed), Is.EqualTo(NativeStatus.BufferTooSmall));
        var ids = new int[(int)needed];
        Assert.That((NativeStatus)Tokenize(session, "hello world"u8, ids, needed, out nuint written), Is.EqualTo(NativeStatus.Ok));
        Assert.That(written, Is.EqualTo(needed));
        Assert.That((NativeStatus)Tokenize(session, [0xff], ids, needed, out _), Is.EqualTo(NativeStatus.InvalidUtf8));

        var classify = (delegate* unmanaged<nint, byte*, nuint, NativeClassification*, float*, nuint, nuint*, int>)&Exports.SessionClassifyExport;
        NativeClassification c;
        var logits = new float[3];
        nuint n = 0;
        fixed (byte* text = "hello world"u8)
        fixed (float* l = logits)
        {
            Assert.That((NativeStatus)classify(session, text, nuint.MaxValue, &c, l, 2, &n), Is.EqualTo(NativeStatus.BufferTooSmall), "NUL-terminated text, 2 of 3 logits");
            Assert.That(n, Is.EqualTo((nuint)3));
            Assert.That((NativeStatus)classify(session, text, 11, &c, l, 3, &n), Is.EqualTo(NativeStatus.Ok));
        }
        Assert.That(logits[c.Label], Is.EqualTo(logits.Max()));

        // A version-1 params struct (no windows field) keeps the default for what it lacks: windows on.
        var v1 = NativeSessionParams.Default with { StructSize = NativeSessionParams.Version1Size, Windows = 0 };
        Assert.That((NativeStatus)CreateSession(model, &v1, out nint older), Is.EqualTo(NativeStatus.Ok));
        fixed (byte* text = Encoding.UTF8.GetBytes(string.Join(' ', Enumerable.Repeat("hello world", 40)) + "\0"))
        {
            Assert.That((NativeStatus)classify(older, text, nuint.MaxValue, &c, null, 0, null), Is.EqualTo(NativeStatus.Ok));
        }
        Assert.That((c.Windows > 1, c.Truncated), Is.EqualTo((true, 0)), "longer than the model's 32 tokens: read over windows");
        FreeSession(older);

        // A params struct from an older caller (smaller than version 1) is refused.
        p.StructSize = 8;
        Assert.That((NativeStatus)CreateSession(model, &p, out nint refused), Is.EqualTo(NativeStatus.InvalidArgument));
        Assert.That(refused, Is.EqualTo((nint)0));

        FreeSession(session);
        Assert.That((NativeStatus)Tokenize(session, "x"u8, ids, needed, out _), Is.EqualTo(NativeStatus.InvalidHandle));
        FreeSession(session);
        Assert.That(LastError, Does.Contain("session"), "a double free is reported");
        FreeModel(model);
        FreeModel(0);
        FreeSession(0);
        Assert.That(LastError, Is.Empty, "freeing NULL is not an error");
    }
    /// <summary>
    /// Issue 15: every function checks NULL arguments before sizes, so a size query never hides a
    /// NULL text or result (embed with a NULL text and a NULL buffer answered BUFFER_TOO_SMALL).
    /// </summary>
    [Test]
    public void NullArgumentsAreReportedBeforeSizes()
    {
        Assert.That((NativeStatus)Load(TestModel.Path, out nint model), Is.EqualTo(NativeStatus.Ok));
        var p = NativeSessionParams.Default;
        Assert.That((NativeStatus)CreateSession(model, &p, out nint session), Is.EqualTo(NativeStatus.Ok));
        var embed = (delegate* unmanaged<nint, byte*, nuint, float*, nuint, nuint*, NativeEncodeResult*, int>)&Exports.SessionEmbedExport;
        var classify = (delegate* unmanaged<nint, byte*, nuint, NativeClassification*, float*, nuint, nuint*, int>)&Exports.SessionClassifyExport;
        var batch = (delegate* unmanaged<nint, byte**, nuint*, nuint, NativeClassification*, float*, nuint, nuint*, int>)&Exports.SessionClassifyBatchExport;
        var info = (delegate* unmanaged<nint, NativeModelInfo*, int>)&Exports.ModelGetInfoExport;
        nuint needed = 99;
        NativeClassification c;
        var one = new float[1];
        fixed (byte* text = "hello"u8)
        fixed (float* l = one)
        {
            Assert.That((NativeStatus)embed(session, null, nuint.MaxValue, null, 0, &needed, null), Is.EqualTo(NativeStatus.NullPointer), "embed: NULL text, NULL buffer");
            Assert.That(needed, Is.EqualTo((nuint)0));
            Assert.That((NativeStatus)embed(session, text, 5, null, 4, &needed, null), Is.EqualTo(NativeStatus.NullPointer), "embed: NULL buffer with a capacity");
            Assert.That((NativeStatus)embed(session, text, 5, null, 0, &needed, null), Is.EqualTo(NativeStatus.BufferTooSmall), "embed: (NULL, 0) is the size query");
            Assert.That(needed, Is.GreaterThan((nuint)0));
            Assert.That((NativeStatus)classify(session, null, nuint.MaxValue, &c, l, 1, &needed), Is.EqualTo(NativeStatus.NullPointer), "classify: NULL text, short logits");
            Assert.That((NativeStatus)classify(session, text, 5, null, l, 1, &needed), Is.EqualTo(NativeStatus.NullPointer), "classify: NULL result, short logits");
            byte*[] texts = [text, null];
            NativeClassification* results = stackalloc NativeClassification[2];
            fixed (byte** t = texts)
            {
                Assert.That((NativeStatus)batch(session, t, null, 2, results, l, 1, &needed), Is.EqualTo(NativeStatus.NullPointer), "batch: texts[1] NULL, short logits");
            }
            Assert.That(LastError, Does.Contain("texts[1]"));
        }
        Assert.That((NativeStatus)info(model, null), Is.EqualTo(NativeStatus.NullPointer));
        FreeSession(session);
        FreeModel(model);
    }

    [TestCase(2)]
    [TestCase(-1)]
    [TestCase(int.MaxValue)]
    public void ATruncateFlagOutsideZeroAndOneIsAnInvalidArgument(int truncate)
    {
        Assert.That((NativeStatus)Load(TestModel.Path, out nint model), Is.EqualTo(NativeStatus.Ok));
        var p = NativeSessionParams.Default with { Truncate = truncate };
        Assert.That((NativeStatus)CreateSession(model, &p, out nint session), Is.EqualTo(NativeStatus.InvalidArgument));
        Assert.That((session, LastError.Contains("truncate")), Is.EqualTo(((nint)0, true)));
        FreeModel(model);
    }
}
