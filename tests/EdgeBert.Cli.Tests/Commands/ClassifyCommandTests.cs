using EdgeBert.Encoder;
using EdgeBert.Encoder.Quantization;
using EdgeBert.Format;

namespace EdgeBert.Cli.Tests.Commands;

public class ClassifyCommandTests
{
    private static readonly string[] s_vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "free", "money", "hello", "friend"];
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("edgebert-classify-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    /// <summary>A 1-layer W1A1 Bi-Attention model with random weights (seed 9) and labels ham, spam.</summary>
    private string WriteModel(string[] labels)
    {
        const int h = 16, f = 32, positions = 8;
        var metadata = new EbmMetadata
        {
            Architecture = new BertArchitecture
            {
                VocabSize = s_vocabulary.Length, HiddenSize = h, Layers = 1, Heads = 2, FfnSize = f, MaxPositions = positions,
                Attention = AttentionKind.BiAttention,
            },
            Layers = [LinearSchemes.ToLayer(LinearScheme.W1A1, QuantMethod.BiBert)],
            Labels = labels,
            Tokenizer = new TokenizerOptions { MaxLength = positions },
        };
        var writer = new EbmWriter(metadata, s_vocabulary);
        var random = new Random(9);
        float[] R(int n) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        writer.AddF32("embeddings.word", [s_vocabulary.Length, h], R(s_vocabulary.Length * h));
        writer.AddF32("embeddings.position", [positions, h], R(positions * h));
        writer.AddF32("embeddings.token_type", [2, h], R(2 * h));
        writer.AddF32("embeddings.ln.gamma", [h], Enumerable.Repeat(1f, h).ToArray());
        writer.AddF32("embeddings.ln.beta", [h], new float[h]);
        foreach (string part in new[] { "query", "key", "value", "output" })
        {
            LinearExporter.AddLinear(writer, $"layer.0.attention.{part}", LinearScheme.W1A1, R(h * h), h, h, R(h));
        }
        LinearExporter.AddLinear(writer, "layer.0.ffn.in", LinearScheme.W1A1, R(f * h), f, h, R(f));
        LinearExporter.AddLinear(writer, "layer.0.ffn.out", LinearScheme.W1A1, R(h * f), h, f, R(h));
        foreach (string ln in new[] { "layer.0.attention.ln", "layer.0.ffn.ln" })
        {
            writer.AddF32($"{ln}.gamma", [h], Enumerable.Repeat(1f, h).ToArray());
            writer.AddF32($"{ln}.beta", [h], new float[h]);
        }
        LinearExporter.AddLinear(writer, "pooler", LinearScheme.W1A1, R(h * h), h, h, R(h));
        if (labels.Length > 0) LinearExporter.AddLinear(writer, "classifier", LinearScheme.Fp32, R(labels.Length * h), labels.Length, h, R(labels.Length));
        string path = Path.Combine(_dir, "model.ebm");
        writer.WriteTo(path);
        return path;
    }

    [Test]
    public void Prints_one_line_per_text_with_label_and_scores_summing_to_one()
    {
        string path = WriteModel(["ham", "spam"]);
        var (exit, output, error) = CliRunner.Run("classify", "--model", path, "free money", "hello friend");
        Assert.That(exit, Is.EqualTo(0), error);
        string[] lines = output.TrimEnd().Split('\n');
        Assert.That(lines, Has.Length.EqualTo(2));
        foreach (string line in lines)
        {
            string[] fields = line.Split('\t');
            Assert.That(fields[0], Is.EqualTo("ham").Or.EqualTo("spam"), line);
            double ham = double.Parse(fields[2].Split(' ')[0]["ham=".Length..], System.Globalization.CultureInfo.InvariantCulture);
            double spam = double.Parse(fields[2].Split(' ')[1]["spam=".Length..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.That(ham + spam, Is.EqualTo(1).Within(2e-4), line);
            Assert.That(double.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(Math.Max(ham, spam)).Within(2e-4), line);
            Assert.That(fields[3], Is.EqualTo("4 tokens"));
        }
    }

    [Test]
    public void Long_text_is_truncated_or_rejected_with_no_truncate()
    {
        string path = WriteModel(["ham", "spam"]);
        string text = string.Join(' ', Enumerable.Repeat("money", 20));
        var (exit, output, _) = CliRunner.Run("classify", "--model", path, text);
        Assert.That(exit, Is.EqualTo(0));
        Assert.That(output, Does.Contain("8 tokens (truncated)"));
        var (strictExit, _, error) = CliRunner.Run("classify", "--model", path, "--no-truncate", text);
        Assert.That(strictExit, Is.EqualTo(1));
        Assert.That(error, Does.Contain("edgebert: error:"));
    }

    [Test]
    public void Bad_models_and_arguments_exit_with_a_message()
    {
        Assert.That(CliRunner.Run("classify", "--model", Path.Combine(_dir, "missing.ebm"), "x").Exit, Is.EqualTo(1));
        string encoderOnly = WriteModel([]);
        var (exit, _, error) = CliRunner.Run("classify", "--model", encoderOnly, "x");
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(error, Does.Contain("no labels"));
        Assert.That(CliRunner.Run("classify", "--model", encoderOnly, "--threads", "0", "x").Exit, Is.EqualTo(1));
        Assert.That(CliRunner.Run("classify", "x").Exit, Is.EqualTo(2), "--model is required");
    }

    [Test]
    public void Ids_file_and_json_output_match_the_text_report()
    {
        string path = WriteModel(["ham", "spam"]);
        string ids = Path.Combine(_dir, "ids.json");
        // [CLS] free money [SEP] = "free money"; the second sequence is a pair with token types.
        File.WriteAllText(ids, """[{"ids": [2, 5, 6, 3]}, {"ids": [2, 7, 3, 8, 3], "type_ids": [0, 0, 0, 1, 1]}]""");
        var (exit, output, error) = CliRunner.Run("classify", "--model", path, "--ids", ids);
        Assert.That(exit, Is.EqualTo(0), error);
        Assert.That(output.Split('\n')[0], Is.EqualTo(CliRunner.Run("classify", "--model", path, "free money").Out.Split('\n')[0]));

        string json = Path.Combine(_dir, "out.json");
        (exit, _, error) = CliRunner.Run("classify", "--model", path, "--ids", ids, "--json", json, "--hidden");
        Assert.That(exit, Is.EqualTo(0), error);
        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(json));
        var root = document.RootElement;
        Assert.That(root.GetProperty("labels").GetArrayLength(), Is.EqualTo(2));
        Assert.That(root.GetProperty("logits").GetArrayLength(), Is.EqualTo(2));
        Assert.That(root.GetProperty("logits")[0].GetArrayLength(), Is.EqualTo(2));
        Assert.That(root.GetProperty("pooled")[1].GetArrayLength(), Is.EqualTo(16));
        Assert.That(root.GetProperty("hidden")[1].GetArrayLength(), Is.EqualTo(5), "one row per token");
        Assert.That(root.GetProperty("hidden")[1][4].GetArrayLength(), Is.EqualTo(16));
    }

    [Test]
    public void Bad_ids_files_exit_with_one()
    {
        string path = WriteModel(["ham", "spam"]);
        string ids = Path.Combine(_dir, "ids.json");
        foreach (string content in new[] { "{}", "[{\"x\": 1}]", "[{\"ids\": [2, 99, 3]}]", "[{\"ids\": [2, 3], \"type_ids\": [0]}]", "not json", "[{\"ids\": [\"a\"]}]", "[{\"ids\": [2.5]}]", "[{\"ids\": []}]" })
        {
            File.WriteAllText(ids, content);
            var (exit, _, error) = CliRunner.Run("classify", "--model", path, "--ids", ids);
            Assert.That(exit, Is.EqualTo(1), content);
            Assert.That(error, Does.StartWith("edgebert: error:"), content);
        }
        Assert.That(CliRunner.Run("classify", "--model", path).Exit, Is.EqualTo(1), "neither texts nor --ids");
        Assert.That(CliRunner.Run("classify", "--model", path, "--ids", ids, "text").Exit, Is.EqualTo(1), "both");
    }
}
