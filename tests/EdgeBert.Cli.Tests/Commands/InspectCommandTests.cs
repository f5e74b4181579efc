using EdgeBert.Format;

namespace EdgeBert.Cli.Tests.Commands;

public class InspectCommandTests
{
    private string _dir = "";

    [SetUp]
    public void CreateDirectory()
    {
        _dir = Path.Combine(Path.GetTempPath(), $"edgebert-cli-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] s_vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world"];

    /// <summary>A 1-layer model with an f32 embedding, a binary (per-row), a ternary (per-tensor) and an i8 weight.</summary>
    private string WriteModel()
    {
        const int h = 64, f = 128;
        var metadata = new EbmMetadata
        {
            Architecture = new BertArchitecture { VocabSize = s_vocabulary.Length, HiddenSize = h, Layers = 1, Heads = 4, FfnSize = f, MaxPositions = 32, Attention = AttentionKind.BiAttention },
            Layers = [new LayerScheme { WeightBits = 1, ActivationBits = 1, Method = QuantMethod.BiBert }],
            Labels = ["negative", "positive"],
            Tokenizer = new TokenizerOptions { MaxLength = 32 },
            Provenance = new Provenance { TrainerVersion = "9.9", Method = QuantMethod.BiBert, Metric = "accuracy", TeacherScore = 0.93, StudentScore = 0.88 },
        };
        var writer = new EbmWriter(metadata, s_vocabulary);
        writer.AddF32("embeddings.word", [s_vocabulary.Length, h], new float[s_vocabulary.Length * h]);
        int stride = EbmLayout.PackedRowWords(h);
        writer.AddBinary("layer.0.attention.query.weight", h, h, new ulong[h * stride], Enumerable.Repeat(0.5f, h).ToArray());
        writer.AddTernary("layer.0.ffn.in.weight", f, h, new ulong[f * stride], new ulong[f * stride], [0.25f]);
        writer.AddI8("layer.0.ffn.out.weight", h, f, new sbyte[h * EbmLayout.I8RowStride(f)], Enumerable.Repeat(0.01f, h).ToArray());
        string path = Path.Combine(_dir, "model.ebm");
        writer.WriteTo(path);
        return path;
    }

    [Test]
    public void PrintsMetadataTensorTableBitsAndRatio()
    {
        string path = WriteModel();
        var (exit, output, error) = CliRunner.Run("inspect", path);
        Assert.That(exit, Is.EqualTo(0), error);
        Assert.That(error, Is.Empty);
        Assert.That(output, Does.Contain($"model:        {path}"));
        Assert.That(output, Does.Contain("vocab 7, hidden 64, layers 1, heads 4, ffn 128, max positions 32"));
        Assert.That(output, Does.Contain("attention bi-attention"));
        Assert.That(output, Does.Contain("layers:       0: W1A1 bibert"));
        Assert.That(output, Does.Contain("labels:       negative, positive"));
        Assert.That(output, Does.Contain("teacher 0.93 accuracy, student 0.88 accuracy"));

        string Line(string name) => output.Split('\n').Single(l => l.StartsWith(name + " ", StringComparison.Ordinal));
        // Binary [64, 64]: one 64-bit word per row, so 64 × 8 bytes, 1 stored bit per weight.
        Assert.That(Line("layer.0.attention.query.weight"), Does.Match(@"binary\s+\[64, 64\]\s+per-row \(64\)\s+512\s+1\.00"));
        Assert.That(Line("layer.0.ffn.in.weight"), Does.Match(@"ternary\s+\[128, 64\]\s+per-tensor\s+2,048\s+2\.00"));
        Assert.That(Line("layer.0.ffn.out.weight"), Does.Match(@"i8\s+\[64, 128\]\s+per-row \(64\)\s+8,192\s+8\.00"));
        Assert.That(Line("embeddings.word"), Does.Match(@"f32\s+\[7, 64\]\s+-\s+1,792\s+32\.00"));

        long fileLength = new FileInfo(path).Length;
        long parameters = 7 * 64 + 64 * 64 + 128 * 64 + 64 * 128;
        long tensorBytes = 1792 + 512 + 2048 + 8192;
        long scaleBytes = 4 * (64 + 1 + 64);
        Assert.That(output, Does.Contain($"total:        4 tensors, {parameters:N0} parameters, {tensorBytes:N0} bytes of tensor data + {scaleBytes:N0} bytes of scales"));
        Assert.That(output, Does.Contain($"bits/weight:  {(tensorBytes + scaleBytes) * 8.0 / parameters:F2}"));
        Assert.That(output, Does.Contain($"size:         {fileLength:N0} bytes; FP32 equivalent {parameters * 4:N0} bytes; compression {parameters * 4.0 / fileLength:F2}x"));
    }

    [Test]
    public void CorruptFileExitsWithOneAndAClearMessageWithoutStackTrace()
    {
        string path = WriteModel();
        byte[] bytes = File.ReadAllBytes(path);
        bytes[^10] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
        var (exit, output, error) = CliRunner.Run("inspect", path);
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(output, Is.Empty);
        Assert.That(error, Does.StartWith($"edgebert: error: {path}: "));
        Assert.That(error, Does.Contain("data checksum mismatch").And.Contain("corrupt").And.Contain("tensor '"));
        Assert.That(error, Does.Not.Contain("   at "), "no stack trace");
    }

    [Test]
    public void TruncatedNotAModelAndMissingFilesExitWithOne()
    {
        string path = WriteModel();
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..200]);
        var (exit, _, error) = CliRunner.Run("inspect", path);
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(error, Does.Contain("truncated"));

        string text = Path.Combine(_dir, "notes.txt");
        File.WriteAllText(text, new string('x', 500));
        (exit, _, error) = CliRunner.Run("inspect", text);
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(error, Does.Contain("bad magic").And.Contain("not an .ebm model"));

        (exit, _, error) = CliRunner.Run("inspect", Path.Combine(_dir, "missing.ebm"));
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(error, Does.Contain("missing.ebm").And.Contain("cannot open"));
    }
}
