using System.Runtime.InteropServices;
using System.Text.Json;
using EdgeBert.Format;
using FsCheck;
using FsCheck.Fluent;
using static EdgeBert.Core.Tests.Format.EbmTestModels;

namespace EdgeBert.Core.Tests.Format;

public class EbmRoundTripTests
{
    private static string Json(EbmMetadata m) => JsonSerializer.Serialize(m, EbmJsonContext.Default.EbmMetadata);

    [Test]
    public void MetadataVocabularyAndEveryDTypeComeBackIdentical()
    {
        var random = new Random(3);
        var word = RandomFloats(random, Vocabulary.Length * 8);
        var values = RandomSigns(random, 8, 70, ternary: false);  // K = 70: a partial second word
        var binary = PackBinary(values, 8, 70);
        var alpha = RandomFloats(random, 8);
        var tValues = RandomSigns(random, 5, 130, ternary: true);
        var (sign, nonzero) = PackTernary(tValues, 5, 130);
        var i8 = PadI8(Enumerable.Range(0, 3 * 65).Select(i => (sbyte)(i % 251 - 125)).ToArray(), 3, 65);
        var i8Scales = new[] { 0.1f, 0.2f, 0.3f };
        var half = RandomFloats(random, 24).Select(f => (Half)f).ToArray();

        var metadata = Metadata();
        var writer = new EbmWriter(metadata, Vocabulary);
        writer.AddF32("embeddings.word", [Vocabulary.Length, 8], word);
        writer.AddBinary("w.binary", 8, 70, binary, alpha);
        writer.AddTernary("w.ternary", 5, 130, sign, nonzero, [0.75f]);
        writer.AddI8("w.i8", 3, 65, i8, i8Scales);
        writer.AddF16("w.f16", [2, 3, 4], half);
        byte[] bytes = writer.ToArray();

        using var file = EbmFile.Load(bytes, "roundtrip");
        Assert.That(Json(file.Metadata), Is.EqualTo(Json(metadata)));
        Assert.That(file.Vocabulary, Is.EqualTo(Vocabulary));
        Assert.That(file.FormatVersion, Is.EqualTo(EbmFile.SupportedFormatVersion));
        Assert.That(file.PackingVersion, Is.EqualTo(EbmFile.SupportedPackingVersion));
        Assert.That(file.Tensors.Select(t => t.Name), Is.EqualTo(new[] { "embeddings.word", "w.binary", "w.ternary", "w.i8", "w.f16" }));

        Assert.That(file.GetF32("embeddings.word").ToArray(), Is.EqualTo(word));
        Assert.That(file.GetBinary("w.binary").ToArray(), Is.EqualTo(binary));
        var info = file.GetTensor("w.binary");
        Assert.That(info.ScaleKind, Is.EqualTo(EbmScaleKind.PerRow));
        Assert.That(info.Scales.ToArray(), Is.EqualTo(alpha));
        Assert.That(info.Shape, Is.EqualTo(new[] { 8, 70 }));
        Assert.That(info.Length, Is.EqualTo(8 * 2 * 8), "binary rows are ceil(70 / 64) = 2 words");

        var planes = file.GetTernary("w.ternary");
        Assert.That(planes.Sign.ToArray(), Is.EqualTo(sign));
        Assert.That(planes.Nonzero.ToArray(), Is.EqualTo(nonzero));
        Assert.That(file.GetTensor("w.ternary").ScaleKind, Is.EqualTo(EbmScaleKind.PerTensor));
        Assert.That(file.GetTensor("w.ternary").Scales.ToArray(), Is.EqualTo(new[] { 0.75f }));

        Assert.That(file.GetI8("w.i8").ToArray(), Is.EqualTo(i8));
        Assert.That(file.GetTensor("w.i8").Scales.ToArray(), Is.EqualTo(i8Scales));
        Assert.That(file.GetF16("w.f16").ToArray(), Is.EqualTo(half));
        Assert.That(file.GetTensor("w.f16").Shape, Is.EqualTo(new[] { 2, 3, 4 }));
        foreach (var t in file.Tensors) Assert.That(t.FileOffset % 64, Is.Zero, t.Name);
    }

    [Test]
    public void UnpackingTheStoredBitsGivesBackTheValues()
    {
        // Independent of the packer: read bit (k % 64) of word (k / 64) of row r straight from the file bytes.
        var random = new Random(11);
        const int rows = 3, cols = 200;
        var values = RandomSigns(random, rows, cols, ternary: true);
        var (sign, nonzero) = PackTernary(values, rows, cols);
        var writer = new EbmWriter(Metadata(), Vocabulary);
        writer.AddTernary("t", rows, cols, sign, nonzero, [1f, 2f, 3f]);
        using var file = EbmFile.Load(writer.ToArray());
        var bytes = file.GetBytes("t");
        int strideBytes = EbmLayout.PackedRowWords(cols) * 8;
        Assert.That(strideBytes, Is.EqualTo(32), "ceil(200 / 64) = 4 words per row");
        for (int r = 0; r < rows; r++)
        {
            for (int k = 0; k < cols; k++)
            {
                int byteIndex = r * strideBytes + k / 8;  // little-endian words: bit k of the row is bit k%8 of byte k/8
                bool negative = (bytes[byteIndex] >> (k % 8) & 1) != 0;
                bool isNonzero = (bytes[rows * strideBytes + byteIndex] >> (k % 8) & 1) != 0;
                sbyte v = values[r * cols + k];
                Assert.That((negative, isNonzero), Is.EqualTo((v < 0, v != 0)), $"row {r}, column {k}, seed 11");
            }
        }
    }

    [Test]
    public void SameInputGivesTheSameBytes()
    {
        byte[] first = AllDTypes(seed: 5).ToArray();
        byte[] second = AllDTypes(seed: 5).ToArray();
        Assert.That(second, Is.EqualTo(first));
        Assert.That(AllDTypes(seed: 6).ToArray(), Is.Not.EqualTo(first));
    }

    [Test]
    public void OpenMapsARealFileAndSpansMatchLoad()
    {
        byte[] bytes = AllDTypes(seed: 2).ToArray();
        string path = Path.Combine(Path.GetTempPath(), $"edgebert-{Guid.NewGuid():N}.ebm");
        try
        {
            AllDTypes(seed: 2).WriteTo(path);
            Assert.That(File.ReadAllBytes(path), Is.EqualTo(bytes));
            Assert.That(File.Exists(path + ".partial"), Is.False, "the temporary file is renamed into place");
            using var mapped = EbmFile.Open(path);
            using var loaded = EbmFile.Load(bytes);
            Assert.That(mapped.Source, Is.EqualTo(path));
            Assert.That(mapped.FileLength, Is.EqualTo(bytes.Length));
            foreach (var t in loaded.Tensors)
            {
                Assert.That(mapped.GetBytes(t.Name).SequenceEqual(loaded.GetBytes(t.Name)), Is.True, t.Name);
            }
            Assert.That(TouchAll(mapped), Is.EqualTo(TouchAll(loaded)));
            unsafe
            {
                fixed (byte* p = mapped.GetBytes("layer.0.attention.query.weight"))
                {
                    Assert.That((long)p % 64, Is.Zero, "mapped tensor data is 64-byte aligned in memory");
                }
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void EveryMemberThrowsAfterDispose()
    {
        var file = EbmFile.Load(AllDTypes().ToArray());
        file.Dispose();
        file.Dispose(); // idempotent
        Assert.Throws<ObjectDisposedException>(() => _ = file.Metadata);
        Assert.Throws<ObjectDisposedException>(() => _ = file.Vocabulary);
        Assert.Throws<ObjectDisposedException>(() => _ = file.Tensors);
        Assert.Throws<ObjectDisposedException>(() => file.GetF32("embeddings.word"));
        Assert.Throws<ObjectDisposedException>(() => file.GetBytes("embeddings.word"));
        Assert.Throws<ObjectDisposedException>(() => file.GetTernary("layer.0.ffn.in.weight"));
        Assert.Throws<ObjectDisposedException>(() => file.TryGetTensor("x", out _));
        Assert.That(file.Source, Is.EqualTo("<memory>"), "the name stays available for messages");
    }

    [Test]
    public void MappedFileThrowsAfterDispose()
    {
        string path = Path.Combine(Path.GetTempPath(), $"edgebert-{Guid.NewGuid():N}.ebm");
        try
        {
            AllDTypes().WriteTo(path);
            var file = EbmFile.Open(path);
            file.Dispose();
            Assert.Throws<ObjectDisposedException>(() => file.GetBinary("layer.0.attention.query.weight"));
            File.Delete(path); // the mapping is released: the file can go
            Assert.That(File.Exists(path), Is.False);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void WrongDTypeOrMissingTensorIsAModelError()
    {
        using var file = EbmFile.Load(AllDTypes().ToArray(), "m.ebm");
        var ex = Assert.Throws<ModelFormatException>(() => file.GetF32("layer.0.attention.query.weight"));
        Assert.That(ex!.Message, Does.Contain("m.ebm").And.Contain("binary").And.Contain("f32").And.Contain("layer.0.attention.query.weight"));
        ex = Assert.Throws<ModelFormatException>(() => file.GetTensor("pooler.weight"));
        Assert.That(ex!.Message, Does.Contain("no tensor named 'pooler.weight'"));
        Assert.That(file.TryGetTensor("pooler.weight", out _), Is.False);
    }

    [Test]
    public void DataChecksumsCanBeSkippedButStructureIsStillChecked()
    {
        byte[] bytes = AllDTypes().ToArray();
        bytes[^1] ^= 0x01; // last byte of the last tensor (f32 classifier weight)
        Assert.Throws<ModelFormatException>(() => EbmFile.Load(bytes));
        using (var file = EbmFile.Load(bytes, verifyChecksums: false))
        {
            Assert.That(file.GetF32("classifier.weight").Length, Is.EqualTo(16));
        }
        bytes[20] ^= 0x01; // tensor count, a header field: always checked
        Assert.Throws<ModelFormatException>(() => EbmFile.Load(bytes, verifyChecksums: false));
    }

    [Test]
    public void UnknownMetadataMembersAreIgnoredForForwardCompatibility()
    {
        var parts = EbmParts.FromValid(AllDTypes().ToArray());
        string json = System.Text.Encoding.UTF8.GetString(parts.Metadata);
        parts.Metadata = System.Text.Encoding.UTF8.GetBytes(json.Replace("\"architecture\": {", "\"futureField\": [1, 2], \"architecture\": { \"rotary\": true,"));
        using var file = EbmFile.Load(parts.Build());
        Assert.That(file.Metadata.Architecture.HiddenSize, Is.EqualTo(8));
    }

    public enum Kind { F32, F16, I8, Binary, BinaryPerTensor, Ternary, TernaryPerTensor }

    [Test]
    public void PropertyEveryDTypeAndShapeRoundTrips()
    {
        var gen =
            from kind in Gen.Elements(Enum.GetValues<Kind>())
            from rows in Gen.Choose(1, 9)
            from cols in Gen.Choose(1, 300)
            from seed in Gen.Choose(0, int.MaxValue)
            select (kind, rows, cols, seed);
        var property = Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var (kind, rows, cols, seed) = c;
            var random = new Random(seed);
            var writer = new EbmWriter(Metadata(), Vocabulary);
            var signs = RandomSigns(random, rows, cols, kind is Kind.Ternary or Kind.TernaryPerTensor);
            float[] alpha = kind is Kind.BinaryPerTensor or Kind.TernaryPerTensor ? [0.5f] : RandomFloats(random, rows);
            byte[] expectedBytes;
            switch (kind)
            {
                case Kind.F32:
                    var f = RandomFloats(random, rows * cols);
                    writer.AddF32("x", [rows, cols], f);
                    expectedBytes = MemoryMarshal.AsBytes(f.AsSpan()).ToArray();
                    break;
                case Kind.F16:
                    var h = RandomFloats(random, rows * cols).Select(v => (Half)v).ToArray();
                    writer.AddF16("x", [rows, cols], h);
                    expectedBytes = MemoryMarshal.AsBytes(h.AsSpan()).ToArray();
                    break;
                case Kind.I8:
                    var q = PadI8(signs.Select(s => (sbyte)(s * 100)).ToArray(), rows, cols);
                    writer.AddI8("x", rows, cols, q, alpha);
                    expectedBytes = MemoryMarshal.AsBytes(q.AsSpan()).ToArray();
                    break;
                case Kind.Binary or Kind.BinaryPerTensor:
                    var b = PackBinary(signs, rows, cols);
                    writer.AddBinary("x", rows, cols, b, alpha);
                    expectedBytes = MemoryMarshal.AsBytes(b.AsSpan()).ToArray();
                    break;
                default:
                    var (s, n) = PackTernary(signs, rows, cols);
                    writer.AddTernary("x", rows, cols, s, n, alpha);
                    expectedBytes = [.. MemoryMarshal.AsBytes(s.AsSpan()).ToArray(), .. MemoryMarshal.AsBytes(n.AsSpan()).ToArray()];
                    break;
            }
            using var file = EbmFile.Load(writer.ToArray());
            var t = file.GetTensor("x");
            bool ok = file.GetBytes("x").SequenceEqual(expectedBytes)
                && t.Shape.SequenceEqual([rows, cols])
                && (kind is Kind.F32 or Kind.F16 ? t.Scales.IsEmpty : t.Scales.SequenceEqual(alpha));
            Assert.That(ok, Is.True, $"{kind} [{rows}, {cols}] seed {seed}");
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(200).WithReplay(new Replay(new Rnd(42UL, 1442695040888963407UL), null)), property);
    }
}
