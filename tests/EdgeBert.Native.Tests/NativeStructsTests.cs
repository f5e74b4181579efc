using System.Runtime.CompilerServices;

namespace EdgeBert.Native.Tests;

/// <summary>The managed structs have the layout of their edgebert.h twins (tests/native/header_cxx.cpp asserts the C side).</summary>
public class NativeStructsTests
{
    [Test]
    public void SizesMatchTheHeader() => Assert.Multiple(() =>
    {
        Assert.That(Unsafe.SizeOf<NativeSessionParams>(), Is.EqualTo(32), "edgebert_session_params (ABI 2: windows, then padding to 8)");
        Assert.That(NativeSessionParams.Version1Size, Is.EqualTo((nuint)24), "edgebert_session_params of ABI 1");
        Assert.That(Unsafe.SizeOf<NativeModelInfo>(), Is.EqualTo(32), "edgebert_model_info");
        Assert.That(Unsafe.SizeOf<NativeClassification>(), Is.EqualTo(20), "edgebert_classification (ABI 2: windows)");
        Assert.That(Unsafe.SizeOf<NativeEncodeResult>(), Is.EqualTo(8), "edgebert_encode_result");
    });

    [Test]
    public void FieldOffsetsMatchTheHeader()
    {
        var p = NativeSessionParams.Default;
        var info = new NativeModelInfo();
        Assert.Multiple(() =>
        {
            Assert.That(Offset(ref p, ref p.Threads), Is.EqualTo(8));
            Assert.That(Offset(ref p, ref p.MaxLength), Is.EqualTo(12));
            Assert.That(Offset(ref p, ref p.Pooling), Is.EqualTo(16));
            Assert.That(Offset(ref p, ref p.Truncate), Is.EqualTo(20));
            Assert.That(Offset(ref p, ref p.Windows), Is.EqualTo(24));
            Assert.That(Offset(ref info, ref info.HiddenSize), Is.EqualTo(8));
            Assert.That(Offset(ref info, ref info.Pooling), Is.EqualTo(28));
        });
    }

    [Test]
    public void StatusValuesAreTheAbis()
    {
        // edgebert_status in edgebert.h; renumbering breaks every compiled caller.
        int[] expected = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
        Assert.That(Enum.GetValues<NativeStatus>().Select(s => (int)s), Is.EqualTo(expected));
        Assert.That(Enum.GetValues<NativePooling>().Select(s => (int)s), Is.EqualTo(new[] { 0, 1, 2, 3 }));
    }

    private static long Offset<TStruct, TField>(ref TStruct owner, ref TField field) =>
        Unsafe.ByteOffset(ref Unsafe.As<TStruct, byte>(ref owner), ref Unsafe.As<TField, byte>(ref field));
}
