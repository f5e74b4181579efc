using System.Text;
using EdgeBert.Format;

namespace EdgeBert.Native.Tests;

public class NativeModelTests
{
    [Test]
    public void LoadFromPathAndFromMemoryDescribeTheSameModel()
    {
        var fromFile = NativeModel.Load(TestModel.Path);
        var fromMemory = NativeModel.Load(TestModel.Bytes);
        try
        {
            var info = fromFile.Info;
            Assert.Multiple(() =>
            {
                Assert.That(info, Is.EqualTo(fromMemory.Info));
                Assert.That(info.StructSize, Is.EqualTo(NativeModelInfo.Version1Size));
                Assert.That(info.HiddenSize, Is.EqualTo(TestModel.Options.Hidden));
                Assert.That(info.Layers, Is.EqualTo(TestModel.Options.Layers));
                Assert.That(info.LabelCount, Is.EqualTo(3));
                Assert.That(info.MaxLength, Is.EqualTo(Math.Min(TestModel.Options.MaxPositions, fromFile.Metadata.Tokenizer.MaxLength)));
                Assert.That(info.VocabSize, Is.EqualTo(fromFile.Metadata.Architecture.VocabSize));
                Assert.That(info.Pooling, Is.EqualTo((int)NativePooling.Pooler));
            });
        }
        finally
        {
            fromFile.Release();
            fromMemory.Release();
        }
    }

    [Test]
    public void LoadFromMemoryCopiesTheBytes()
    {
        var bytes = (byte[])TestModel.Bytes.Clone();
        var model = NativeModel.Load(bytes);
        Array.Clear(bytes);
        Assert.That(model.Info.HiddenSize, Is.EqualTo(TestModel.Options.Hidden));
        model.Release();
    }

    [Test]
    public void MissingFileIsAnIoError()
    {
        var e = Assert.Throws<ModelFormatException>(() => NativeModel.Load("/nonexistent/dir/model.ebm"));
        Assert.Multiple(() =>
        {
            Assert.That(NativeErrors.StatusOf(e!), Is.EqualTo(NativeStatus.IO));
            Assert.That(e!.Message, Does.Contain("/nonexistent/dir/model.ebm"));
        });
    }

    [TestCase(0.5)]
    [TestCase(0.9)]
    [TestCase(0.01)]
    public void TruncatedModelsAreFormatErrors(double fraction)
    {
        int length = (int)(TestModel.Bytes.Length * fraction);
        using var file = TestModel.Write(TestModel.Bytes.AsSpan(0, length));
        var fromFile = Assert.Throws<ModelFormatException>(() => NativeModel.Load(file.Path), $"{length} of {TestModel.Bytes.Length} bytes");
        var fromMemory = Assert.Throws<ModelFormatException>(() => NativeModel.Load(TestModel.Bytes.AsSpan(0, length)));
        Assert.Multiple(() =>
        {
            Assert.That(NativeErrors.StatusOf(fromFile!), Is.EqualTo(NativeStatus.ModelFormat));
            Assert.That(NativeErrors.StatusOf(fromMemory!), Is.EqualTo(NativeStatus.ModelFormat));
        });
    }

    [Test]
    public void EmptyInputsAreInvalidArguments()
    {
        Assert.Throws<ArgumentException>(() => NativeModel.Load(ReadOnlySpan<byte>.Empty));
        Assert.Throws<ArgumentException>(() => NativeModel.Load(""));
    }

    [Test]
    public void LabelsCopyAsTerminatedUtf8()
    {
        var model = NativeModel.Load(TestModel.Bytes);
        try
        {
            var buffer = new byte[8];
            for (int i = 0; i < 3; i++)
            {
                int n = model.CopyLabel(i, buffer);
                Assert.That(Encoding.UTF8.GetString(buffer, 0, n - 1), Is.EqualTo(TestModel.Options.Labels[i]), $"label {i}");
            }
            var small = Assert.Throws<BufferTooSmallException>(() => model.CopyLabel(0, new byte[2]));
            Assert.That(small!.Needed, Is.EqualTo(4));
            Assert.Throws<ArgumentOutOfRangeException>(() => model.CopyLabel(3, buffer));
            Assert.Throws<ArgumentOutOfRangeException>(() => model.CopyLabel(-1, buffer));
        }
        finally
        {
            model.Release();
        }
    }

    [Test]
    public void TheLastReferenceReleasesTheModel()
    {
        var model = NativeModel.Load(TestModel.Bytes);
        var session = new NativeSession(model, NativeSessionParams.Default);
        model.Release();
        Assert.That(model.IsReleased, Is.False, "the session still holds it");
        Assert.That(session.Tokenize("still works"u8, new int[32]), Is.GreaterThan(2));
        session.Free();
        Assert.That(model.IsReleased, Is.True);
        Assert.Throws<ObjectDisposedException>(() => new NativeSession(model, NativeSessionParams.Default));
    }
}
