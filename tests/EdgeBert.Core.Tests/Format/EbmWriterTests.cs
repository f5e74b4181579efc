using EdgeBert.Format;
using static EdgeBert.Core.Tests.Format.EbmTestModels;

namespace EdgeBert.Core.Tests.Format;

public class EbmWriterTests
{
    private static EbmWriter NewWriter() => new(Metadata(), Vocabulary);

    [Test]
    public void DataThatDoesNotMatchTheShapeIsRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => NewWriter().AddF32("x", [2, 3], new float[5]))!;
        Assert.That(ex.Message, Does.Contain("'x'").And.Contain("20 bytes of data").And.Contain("needs 24"));
        ex = Assert.Throws<ArgumentException>(() => NewWriter().AddBinary("b", 2, 65, new ulong[2], [1f]))!;
        Assert.That(ex.Message, Does.Contain("needs 32"), "binary rows are ceil(65 / 64) = 2 words");
        ex = Assert.Throws<ArgumentException>(() => NewWriter().AddF32("x", [0, 3], []))!;
        Assert.That(ex.Message, Does.Contain("not valid"));
        ex = Assert.Throws<ArgumentException>(() => NewWriter().AddTernary("t", 1, 8, new ulong[1], new ulong[2], [1f]))!;
        Assert.That(ex.Message, Does.Contain("sign plane has 1 words, nonzero plane 2"));
    }

    [Test]
    public void ScalesNamesAndConventionalShapesAreChecked()
    {
        var w = NewWriter();
        Assert.That(Assert.Throws<ArgumentException>(() => w.AddBinary("b", 2, 8, new ulong[2], [1f, 2f, 3f]))!.Message, Does.Contain("3 scales, expected 2"));
        Assert.That(Assert.Throws<ArgumentException>(() => w.AddBinary("b", 2, 8, new ulong[2], [1f, float.PositiveInfinity]))!.Message, Does.Contain("not finite"));
        Assert.That(Assert.Throws<ArgumentException>(() => w.AddI8("q", 1, 8, new sbyte[64], []))!.Message, Does.Contain("0 scales, expected 1"));
        Assert.That(Assert.Throws<ArgumentException>(() => w.AddF32("has space", [1], [1f]))!.Message, Does.Contain("whitespace"));
        Assert.That(Assert.Throws<ArgumentException>(() => w.AddF32(new string('n', 257), [1], [1f]))!.Message, Does.Contain("1..256"));
        Assert.That(Assert.Throws<ArgumentException>(() => w.AddF32("pooler.bias", [7], new float[7]))!.Message, Does.Contain("needs [8]"));
        w.AddF32("x", [1], [1f]);
        Assert.That(Assert.Throws<ArgumentException>(() => w.AddF32("x", [1], [1f]))!.Message, Does.Contain("already added"));
        Assert.That(w.TensorNames, Is.EqualTo(new[] { "x" }));
    }

    [Test]
    public void NonCanonicalPackingIsRejected()
    {
        var words = new ulong[1];
        words[0] = 1UL << 10; // K = 8: bit 10 is padding
        Assert.That(Assert.Throws<ArgumentException>(() => NewWriter().AddBinary("b", 1, 8, words, [1f]))!.Message, Does.Contain("padding bits"));
        var sign = new ulong[1];
        sign[0] = 1;
        Assert.That(Assert.Throws<ArgumentException>(() => NewWriter().AddTernary("t", 1, 8, sign, new ulong[1], [1f]))!.Message, Does.Contain("sign bit set where the value is 0"));
        var i8 = new sbyte[64];
        i8[63] = 1;
        Assert.That(Assert.Throws<ArgumentException>(() => NewWriter().AddI8("q", 1, 8, i8, [1f]))!.Message, Does.Contain("padding bytes"));
    }

    [Test]
    public void InconsistentMetadataOrVocabularyIsRejected()
    {
        var bad = Metadata() with { Layers = [] };
        Assert.That(Assert.Throws<ArgumentException>(() => new EbmWriter(bad, Vocabulary))!.Message, Does.Contain("0 layer schemes for 1 layers"));
        Assert.That(Assert.Throws<ArgumentException>(() => new EbmWriter(Metadata(), [.. Vocabulary, "a"]))!.Message, Does.Contain("duplicate"));
        Assert.That(Assert.Throws<ArgumentException>(() => new EbmWriter(Metadata(), [.. Vocabulary, "x\ny"]))!.Message, Does.Contain("control character"));
        Assert.That(Assert.Throws<ArgumentException>(() => new EbmWriter(Metadata(), [.. Vocabulary, "zz"]))!.Message, Does.Contain("vocabSize is 15 but the file stores 16"));
    }

    [Test]
    public void LayoutHelpersFollowTheCanonicalLayout()
    {
        Assert.That(EbmLayout.PackedRowWords(1), Is.EqualTo(1));
        Assert.That(EbmLayout.PackedRowWords(512), Is.EqualTo(8));
        Assert.That(EbmLayout.PackedRowWords(513), Is.EqualTo(9));
        Assert.That(EbmLayout.I8RowStride(768), Is.EqualTo(768));
        Assert.That(EbmLayout.I8RowStride(65), Is.EqualTo(128));
        Assert.That(EbmLayout.ByteLength(EbmDType.Ternary, [768, 768]), Is.EqualTo(2L * 768 * 12 * 8));
        Assert.That(EbmLayout.ByteLength(EbmDType.F16, [3, 5]), Is.EqualTo(30));
        Assert.That(EbmLayout.ByteLength(EbmDType.F32, [65536, 65536]), Is.EqualTo(-1), "over 2 GiB");
        Assert.That(EbmLayout.BitsPerWeight(EbmDType.Binary, [768, 1024]), Is.EqualTo(1.0));
        Assert.That(EbmLayout.BitsPerWeight(EbmDType.Binary, [768, 768]), Is.EqualTo(1.0), "K = 768 is 12 whole words");
        Assert.That(EbmLayout.BitsPerWeight(EbmDType.Binary, [8, 70]), Is.EqualTo(128.0 / 70), "K = 70 pads to 2 words");
        Assert.That(EbmLayout.BitsPerWeight(EbmDType.Ternary, [768, 3072]), Is.EqualTo(2.0));
    }
}
