using System.Buffers.Binary;
using System.Text;
using EdgeBert.Format;
using static EdgeBert.Core.Tests.Format.EbmTestModels;

namespace EdgeBert.Core.Tests.Format;

/// <summary>One defect at a time: each must be a <see cref="ModelFormatException"/> that says what and where.</summary>
public class EbmValidationTests
{
    private static byte[] Valid => AllDTypes(seed: 4).ToArray();

    private static ModelFormatException Reject(byte[] bytes, string name = "bad.ebm") =>
        Assert.Throws<ModelFormatException>(() => EbmFile.Load(bytes, name).Dispose())!;

    private static ModelFormatException Reject(Action<EbmParts> edit)
    {
        var parts = EbmParts.FromValid(Valid);
        edit(parts);
        return Reject(parts.Build());
    }

    [Test]
    public void VersionMismatchNamesTheFileTheVersionFoundAndTheVersionsSupported()
    {
        string path = Path.Combine(Path.GetTempPath(), $"edgebert-future-{Guid.NewGuid():N}.ebm");
        try
        {
            var parts = EbmParts.FromValid(Valid);
            parts.FormatVersion = 7;
            File.WriteAllBytes(path, parts.Build());
            var ex = Assert.Throws<ModelFormatException>(() => EbmFile.Open(path).Dispose())!;
            Assert.That(ex.Message, Does.Contain(path));
            Assert.That(ex.Message, Does.Contain("format version 7 found"));
            Assert.That(ex.Message, Does.Contain("supports format version 1"));
            Assert.That(ex.Message, Does.Contain("header, byte 12"));
            Assert.That(ex.Source, Is.EqualTo(path));
            Assert.That(ex.Where, Is.EqualTo("header, byte 12"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void PackingVersionMismatchIsReported()
    {
        var ex = Reject(p => p.PackingVersion = 0);
        Assert.That(ex.Message, Does.Contain("packing version 0 found").And.Contain("supports packing version 1"));
    }

    [Test]
    public void MissingFileIsAModelErrorNamingThePath()
    {
        string path = Path.Combine(Path.GetTempPath(), $"edgebert-missing-{Guid.NewGuid():N}.ebm");
        var ex = Assert.Throws<ModelFormatException>(() => EbmFile.Open(path))!;
        Assert.That(ex.Message, Does.Contain(path).And.Contain("cannot open"));
    }

    [Test]
    public void EmptyAndTruncatedFiles()
    {
        Assert.That(Reject([]).Message, Does.Contain("bad.ebm").And.Contain("0 bytes").And.Contain("header"));
        byte[] valid = Valid;
        Assert.That(Reject(valid[..100]).Message, Does.Contain("truncated"));
        var ex = Reject(valid[..(valid.Length - 1)]);
        Assert.That(ex.Message, Does.Contain("data section").And.Contain("past the end of the file"));
    }

    [Test]
    public void WrongMagicOrEndianness()
    {
        byte[] bytes = Valid;
        bytes[1] = (byte)'X';
        Assert.That(Reject(bytes).Message, Does.Contain("bad magic").And.Contain("byte 0"));
        bytes = Valid;
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(8), 0x01020304);
        Assert.That(Reject(bytes).Message, Does.Contain("big-endian"));
    }

    [Test]
    public void ChecksumsCatchFlippedBytesInEverySection()
    {
        byte[] valid = Valid;
        var flip = (int at) => { var b = (byte[])valid.Clone(); b[at] ^= 0x10; return b; };
        Assert.That(Reject(flip(30)).Message, Does.Contain("header checksum mismatch").And.Contain("corrupt"));
        Assert.That(Reject(flip(130)).Message, Does.Contain("metadata section checksum mismatch"));
        var ex = Reject(flip(valid.Length - 1));
        Assert.That(ex.Message, Does.Contain("data checksum mismatch").And.Contain("tensor '"));
    }

    [Test]
    public void SectionsOutOfOrderOrOutOfRange()
    {
        byte[] bytes = Valid;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(EbmParts.MetadataOffsetField), 64);
        EbmParts.ResealSections(bytes);
        Assert.That(Reject(bytes).Message, Does.Contain("metadata section starts at byte 64, before the end of the previous part"));
        bytes = Valid;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(EbmParts.DataOffsetField), ulong.MaxValue - 63);
        EbmParts.ResealSections(bytes);
        Assert.That(Reject(bytes).Message, Does.Contain("data section").And.Contain("past the end of the file"));
        bytes = [.. Valid, 0];
        Assert.That(Reject(bytes).Message, Does.Contain("extended or damaged"));
    }

    [Test]
    public void AbsurdDimensionsAreRejectedBeforeAllocating()
    {
        var ex = Reject(p => p.Entries[0] = p.Entries[0] with { Dims = [ulong.MaxValue, 8] });
        Assert.That(ex.Message, Does.Contain("dimension 0 is 18446744073709551615").And.Contain("tensor directory entry 0"));
        ex = Reject(p => p.Entries[0] = p.Entries[0] with { Dims = [0, 8] });
        Assert.That(ex.Message, Does.Contain("dimension 0 is 0"));
        ex = Reject(p => p.Entries[0] = p.Entries[0] with { Dims = [int.MaxValue, int.MaxValue] });
        Assert.That(ex.Message, Does.Contain("is not valid for dtype f32"));
        ex = Reject(p => p.Entries[2] = p.Entries[2] with { Dims = [8, 8, 1] });
        Assert.That(ex.Message, Does.Contain("rank 2 needed for packed types"));
        ex = Reject(p => p.TensorCount = uint.MaxValue);
        Assert.That(ex.Message, Does.Contain("tensor count 4294967295 cannot fit"));
    }

    [Test]
    public void ShapeTimesDTypeMustEqualTheStoredLength()
    {
        var ex = Reject(p => p.Entries[1] = p.Entries[1] with { Length = p.Entries[1].Length + 64 });
        Assert.That(ex.Message, Does.Contain("stored length 96 bytes does not match shape [8] × f32 = 32 bytes").And.Contain("'embeddings.ln.gamma'"));
    }

    [Test]
    public void OverlappingMisalignedAndOutOfRangeTensorData()
    {
        var ex = Reject(p => p.Entries[3] = p.Entries[3] with { Offset = p.Entries[2].Offset });
        Assert.That(ex.Message, Does.Contain("overlaps"));
        ex = Reject(p => p.Entries[3] = p.Entries[3] with { Offset = p.Entries[3].Offset + 8 });
        Assert.That(ex.Message, Does.Contain("is not a multiple of 64"));
        ex = Reject(p => p.Entries[3] = p.Entries[3] with { Offset = (ulong)p.Data.Length });
        Assert.That(ex.Message, Does.Contain("lies outside the").And.Contain("data section"));
        ex = Reject(p => p.Entries[3] = p.Entries[3] with { Offset = ulong.MaxValue - 63 });
        Assert.That(ex.Message, Does.Contain("lies outside"));
    }

    [Test]
    public void DuplicateAndInvalidNames()
    {
        var ex = Reject(p => p.Entries[1] = p.Entries[1] with { Name = p.Entries[0].Name, Dims = [15, 8], Length = 15 * 8 * 4 });
        Assert.That(ex.Message, Does.Contain("'embeddings.word' appears twice"));
        ex = Reject(p => p.Entries[1] = p.Entries[1] with { Name = [0x61, 0xC3, 0x28] });
        Assert.That(ex.Message, Does.Contain("not valid UTF-8").And.Contain("tensor directory entry 1"));
        ex = Reject(p => p.Entries[1] = p.Entries[1] with { Name = "a b"u8.ToArray() });
        Assert.That(ex.Message, Does.Contain("whitespace"));
        ex = Reject(p => p.Entries[1] = p.Entries[1] with { Name = [] });
        Assert.That(ex.Message, Does.Contain("tensor name length 0"));
    }

    [Test]
    public void ScalesMustMatchTheirKindAndBeFinite()
    {
        var ex = Reject(p => p.Entries[2] = p.Entries[2] with { Scales = [1f] });
        Assert.That(ex.Message, Does.Contain("1 scales stored, PerRow needs 8"));
        ex = Reject(p => p.Entries[2] = p.Entries[2] with { Scales = [.. p.Entries[2].Scales[..7], float.NaN] });
        Assert.That(ex.Message, Does.Contain("scale 7 is NaN"));
        ex = Reject(p => p.Entries[0] = p.Entries[0] with { ScaleKind = (byte)EbmScaleKind.PerRow });
        Assert.That(ex.Message, Does.Contain("not allowed for dtype f32"));
        ex = Reject(p => p.Entries[0] = p.Entries[0] with { DType = 99 });
        Assert.That(ex.Message, Does.Contain("unknown dtype 99"));
    }

    [Test]
    public void PackingInvariantsAreChecked()
    {
        // A padding bit past K in a binary row, and a ternary sign bit where the value is zero.
        var ex = Reject(p =>
        {
            p.Data[(int)p.Entries[2].Offset + 1] |= 0x80; // bit 15 of row 0: K = 8, so padding
            p.ResealData();
        });
        Assert.That(ex.Message, Does.Contain("padding bits set after column 8").And.Contain("layer.0.attention.query.weight"));
        ex = Reject(p =>
        {
            int sign = (int)p.Entries[4].Offset;
            int mask = sign + 8 * 8;
            // K = 8: byte 0 of each 8-byte row holds all 8 values; set a sign bit in the first zero of the mask.
            int row = Enumerable.Range(0, 8).First(r => p.Data[mask + 8 * r] != 0xFF);
            int zeros = ~p.Data[mask + 8 * row] & 0xFF;
            p.Data[sign + 8 * row] |= (byte)(zeros & -zeros);
            p.ResealData();
        });
        Assert.That(ex.Message, Does.Contain("sign bit set where the value is 0"));
    }

    [Test]
    public void MetadataMembersMayNotBeOmitted()
    {
        // An absent member would otherwise deserialize to default(T): lowercase false, eps 0.
        var ex = Reject(p => p.Metadata = Encoding.UTF8.GetBytes(RemoveMember(Encoding.UTF8.GetString(p.Metadata), "lowercase")));
        Assert.That(ex.Message, Does.Contain("metadata JSON").And.Contain("lowercase"));
        ex = Reject(p => p.Metadata = Encoding.UTF8.GetBytes(RemoveMember(Encoding.UTF8.GetString(p.Metadata), "layerNormEps")));
        Assert.That(ex.Message, Does.Contain("layerNormEps"));
    }

    private static string RemoveMember(string json, string member)
    {
        var match = System.Text.RegularExpressions.Regex.Match(json, $"\\s*\"{member}\": [^,\\n]*,?");
        Assert.That(match.Success, Is.True, $"test metadata has no member {member}");
        return json.Remove(match.Index, match.Length);
    }

    [Test]
    public void MetadataMustBeWellFormedAndConsistent()
    {
        var ex = Reject(p => p.Metadata = p.Metadata[..^5]);
        Assert.That(ex.Message, Does.Contain("metadata JSON is malformed").And.Contain("JSON line"));
        ex = Reject(p => p.Metadata = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(p.Metadata).Replace("\"layers\": 1,", "\"layers\": 2,")));
        Assert.That(ex.Message, Does.Contain("1 layer schemes for 2 layers").And.Contain("metadata, layers"));
        ex = Reject(p => p.Metadata = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(p.Metadata).Replace("\"heads\": 2,", "\"heads\": 3,")));
        Assert.That(ex.Message, Does.Contain("heads 3 does not divide hiddenSize 8"));
        ex = Reject(p => p.Metadata = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(p.Metadata).Replace("\"attention\": \"bi-attention\"", "\"attention\": \"sparse\"")));
        Assert.That(ex.Message, Does.Contain("metadata JSON"));
        ex = Reject(p => p.Metadata = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(p.Metadata).Replace("\"hiddenSize\": 8,", "\"hiddenSize\": 80000000000,")));
        Assert.That(ex.Message, Does.Contain("metadata JSON"));
        ex = Reject(p => p.Metadata = "null"u8.ToArray());
        Assert.That(ex.Message, Does.Contain("metadata JSON is null"));
        ex = Reject(p => p.Metadata = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(p.Metadata).Replace("\"ham\"", "null")));
        Assert.That(ex.Message, Does.Contain("labels[0]"));
        ex = Reject(p => p.Metadata = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(p.Metadata).Replace("\"ham\"", "\"spam\"")));
        Assert.That(ex.Message, Does.Contain("label 'spam' appears twice"));
    }

    [Test]
    public void TensorShapesMustMatchTheArchitecture()
    {
        var ex = Reject(p => p.Metadata = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(p.Metadata).Replace("\"ffnSize\": 16,", "\"ffnSize\": 32,")));
        Assert.That(ex.Message, Does.Contain("'layer.0.ffn.in.weight'").And.Contain("needs [32, 8]"));
    }

    [Test]
    public void VocabularyDefects()
    {
        var ex = Reject(p => p.Vocabulary = [.. p.Vocabulary[..^1]]);
        Assert.That(ex.Message, Does.Contain("does not end with a newline"));
        ex = Reject(p => p.Vocabulary = [0xFF, (byte)'\n', .. p.Vocabulary[6..]]);
        Assert.That(ex.Message, Does.Contain("vocabulary token 0").And.Contain("not valid UTF-8"));
        ex = Reject(p => p.Vocabulary = [.. "[PAD]\n"u8.ToArray(), .. p.Vocabulary]);
        Assert.That(ex.Message, Does.Contain("'[PAD]' appears twice"));
        ex = Reject(p => p.Vocabulary = [.. "\n"u8.ToArray(), .. p.Vocabulary]);
        Assert.That(ex.Message, Does.Contain("empty vocabulary token"));
        ex = Reject(p => p.Vocabulary = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(p.Vocabulary).Replace("[MASK]\n", "")));
        Assert.That(ex.Message, Does.Contain("'[MASK]' is not in the vocabulary"));
    }

    [Test]
    public void TrailingDirectoryBytesOrAWrongCountAreRejected()
    {
        var ex = Reject(p => p.TensorCount = (uint)p.Entries.Count - 1);
        Assert.That(ex.Message, Does.Contain("unused bytes after"));
        ex = Reject(p => p.TensorCount = (uint)p.Entries.Count + 1);
        Assert.That(ex.Message, Does.Contain("tensor directory ends inside an entry"));
    }
}
