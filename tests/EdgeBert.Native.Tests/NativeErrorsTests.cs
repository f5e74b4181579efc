using System.Text;
using EdgeBert.Format;
using EdgeBert.Text;

namespace EdgeBert.Native.Tests;

public class NativeErrorsTests
{
    private static IEnumerable<TestCaseData> Mappings()
    {
        yield return new TestCaseData(new NativeException(NativeStatus.InvalidHandle, "x"), NativeStatus.InvalidHandle);
        yield return new TestCaseData(new BufferTooSmallException("ids", 1, 5), NativeStatus.BufferTooSmall);
        yield return new TestCaseData(new InputTooLongException(600, 512, "long"), NativeStatus.InputTooLong);
        yield return new TestCaseData(new ArgumentNullException("p"), NativeStatus.NullPointer);
        yield return new TestCaseData(new DecoderFallbackException("bad"), NativeStatus.InvalidUtf8);
        yield return new TestCaseData(new ObjectDisposedException("session"), NativeStatus.InvalidHandle);
        yield return new TestCaseData(new ModelFormatException("m.ebm", "bad magic", "header"), NativeStatus.ModelFormat);
        yield return new TestCaseData(new ModelFormatException("m.ebm", "cannot open", "open", new FileNotFoundException("gone")), NativeStatus.IO);
        yield return new TestCaseData(new EdgeBert.Runtime.ModelOverflowException("m.ebm", "the classifier's logits"), NativeStatus.ModelFormat);
        yield return new TestCaseData(new IOException("disk"), NativeStatus.IO);
        yield return new TestCaseData(new OutOfMemoryException(), NativeStatus.OutOfMemory);
        yield return new TestCaseData(new PlatformNotSupportedException(), NativeStatus.Unsupported);
        yield return new TestCaseData(new ArgumentOutOfRangeException("threads"), NativeStatus.InvalidArgument);
        yield return new TestCaseData(new InvalidOperationException("bug"), NativeStatus.Internal);
        yield return new TestCaseData(new NullReferenceException(), NativeStatus.Internal);
    }

    [TestCaseSource(nameof(Mappings))]
    public void StatusOfMapsEachExceptionKind(Exception exception, NativeStatus expected) =>
        Assert.That(NativeErrors.StatusOf(exception), Is.EqualTo(expected), exception.GetType().Name);

    [Test]
    public void FailRecordsTheMessageAndClearEmptiesIt()
    {
        var status = NativeErrors.Fail(new ArgumentException("threads must be positive"));
        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(NativeStatus.InvalidArgument));
            Assert.That(Encoding.UTF8.GetString(NativeErrors.LastError), Does.Contain("threads must be positive"));
            Assert.That(NativeErrors.LastErrorBuffer[NativeErrors.LastError.Length], Is.EqualTo(0), "NUL-terminated for C");
        });
        NativeErrors.Clear();
        Assert.That(NativeErrors.LastError.Length, Is.EqualTo(0));
    }

    [Test]
    public void InternalErrorsKeepTheExceptionType()
    {
        NativeErrors.Fail(new InvalidOperationException("unexpected state"));
        Assert.That(Encoding.UTF8.GetString(NativeErrors.LastError), Is.EqualTo("InvalidOperationException: unexpected state"));
    }

    [Test]
    public void LongAndNonAsciiMessagesSurviveIntact()
    {
        string message = "naïve café " + new string('x', 5000);
        NativeErrors.SetLastError(message);
        Assert.That(Encoding.UTF8.GetString(NativeErrors.LastError), Is.EqualTo(message));
        NativeErrors.SetLastError("short");
        Assert.That(Encoding.UTF8.GetString(NativeErrors.LastError), Is.EqualTo("short"), "a shorter message after a long one");
    }

    [Test]
    public void LastErrorIsPerThread()
    {
        NativeErrors.SetLastError("main thread");
        string? other = null;
        var thread = new Thread(() =>
        {
            NativeErrors.SetLastError("other thread");
            other = Encoding.UTF8.GetString(NativeErrors.LastError);
        });
        thread.Start();
        thread.Join();
        Assert.Multiple(() =>
        {
            Assert.That(other, Is.EqualTo("other thread"));
            Assert.That(Encoding.UTF8.GetString(NativeErrors.LastError), Is.EqualTo("main thread"));
        });
    }
}
