using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeBert.Encoder;
using EdgeBert.Runtime;

namespace EdgeBert.Cli.Tests.Commands;

public class ClassifyCommandTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("edgebert-classify-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static double Parse(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    [TestCase(LinearScheme.W1A1)]
    [TestCase(LinearScheme.Fp32)]
    public void PrintsOneLinePerTextAgreeingWithTheRuntime(LinearScheme scheme)
    {
        string path = RuntimeTestModels.Write(_dir, scheme);
        var (exit, output, error) = CliRunner.RunWith(null, null, "classify", "--model", path, "w1 w2", "w3 w4");
        Assert.That(exit, Is.EqualTo(0), error);
        string[] lines = output.TrimEnd().Split(Environment.NewLine);
        Assert.That(lines, Has.Length.EqualTo(2));
        using var model = Model.Load(path);
        var session = model.CreateSession();
        string[] texts = ["w1 w2", "w3 w4"];
        for (int i = 0; i < 2; i++)
        {
            var expected = session.Classify(texts[i]);
            string[] fields = lines[i].Split('\t');
            Assert.That(fields[0], Is.EqualTo(expected.LabelName), $"{scheme} seed 9: {lines[i]}");
            Assert.That(Parse(fields[1]), Is.EqualTo(expected.Score).Within(1e-4), lines[i]);
            double ham = Parse(fields[2].Split(' ')[0]["ham=".Length..]), spam = Parse(fields[2].Split(' ')[1]["spam=".Length..]);
            Assert.That(ham + spam, Is.EqualTo(1).Within(2e-4), lines[i]);
            Assert.That(Math.Max(ham, spam), Is.EqualTo(expected.Score).Within(1e-4), lines[i]);
            Assert.That(fields[3], Is.EqualTo("4 tokens"));
        }
    }

    [Test]
    public void StdinLinesWithJsonGiveLabelScoresTruncationAndTiming()
    {
        string path = RuntimeTestModels.Write(_dir);
        byte[] stdin = Encoding.UTF8.GetBytes("w1 w2\r\nw1 w2 w3 w4 w5 w6 w7 w8 w9\n");
        var (exit, output, error) = CliRunner.RunWith(stdin, null, "classify", "--model", path, "--json");
        Assert.That(exit, Is.EqualTo(0), error);
        string[] lines = output.TrimEnd().Split(Environment.NewLine);
        Assert.That(lines, Has.Length.EqualTo(2));
        using var first = JsonDocument.Parse(lines[0]);
        var root = first.RootElement;
        Assert.That(root.GetProperty("text").GetString(), Is.EqualTo("w1 w2"));
        string label = root.GetProperty("label").GetString()!;
        Assert.That(label, Is.EqualTo("ham").Or.EqualTo("spam"));
        var scores = root.GetProperty("scores");
        Assert.That(scores.GetProperty("ham").GetDouble() + scores.GetProperty("spam").GetDouble(), Is.EqualTo(1).Within(1e-5));
        Assert.That(root.GetProperty("score").GetDouble(), Is.EqualTo(scores.GetProperty(label).GetDouble()).Within(1e-5));
        Assert.That(root.GetProperty("tokens").GetInt32(), Is.EqualTo(4));
        Assert.That(root.GetProperty("truncated").GetBoolean(), Is.False);
        Assert.That(root.GetProperty("ms").GetDouble(), Is.GreaterThanOrEqualTo(0));
        Assert.That(root.GetProperty("windows").GetInt32(), Is.EqualTo(1));
        // 9 pieces in windows of 6 every 3: starts 0 and 3, the whole text read.
        using var second = JsonDocument.Parse(lines[1]);
        Assert.That(second.RootElement.GetProperty("truncated").GetBoolean(), Is.False);
        Assert.That(second.RootElement.GetProperty("windows").GetInt32(), Is.EqualTo(2));
        Assert.That(second.RootElement.GetProperty("tokens").GetInt32(), Is.EqualTo(11));
    }

    [Test]
    public void WithoutModelOptionTheEmbeddedModelClassifies()
    {
        byte[] model = RuntimeTestModels.Bytes();
        var (exit, output, error) = CliRunner.RunWith(null, model, "classify", "Win a free prize now");
        Assert.That(exit, Is.EqualTo(0), error);
        Assert.That(output, Does.Match(@"^(ham|spam)\t"));
    }

    [Test]
    public void WithoutModelOptionOrEmbeddedModelItExitsWithOneAndSaysSo()
    {
        var (exit, output, error) = CliRunner.RunWith(null, null, "classify", "Win a free prize now");
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(output, Is.Empty);
        Assert.That(error, Is.EqualTo("edgebert: error: this build has no embedded default model; pass --model FILE" + Environment.NewLine));
    }

    [Test]
    public void LongTextIsReadWholeOverWindowsOrTruncatedOrRejectedWhenAsked()
    {
        string path = RuntimeTestModels.Write(_dir);
        string text = string.Join(' ', Enumerable.Repeat("w5", 20));
        // 20 pieces in windows of 6 every 3: starts 0, 3, …, 12, then 14 to end the text.
        const int windows = 6;
        var (exit, output, _) = CliRunner.RunWith(null, null, "classify", "--model", path, text);
        Assert.That(exit, Is.EqualTo(0));
        Assert.That(output, Does.Contain($"22 tokens in {windows} windows"));
        using (var model = Model.Load(path))
        {
            var expected = model.CreateSession().Classify(text);
            Assert.That(expected.Windows, Is.EqualTo(windows));
            Assert.That(output, Does.StartWith(expected.LabelName + "\t" + expected.Score.ToString("F4", CultureInfo.InvariantCulture)));
        }
        var (maxExit, maxOutput, _) = CliRunner.RunWith(null, null, "classify", "--model", path, "--aggregate", "MaxPositive", "--json", text);
        Assert.That(maxExit, Is.EqualTo(0));
        using (var model = Model.Load(path))
        using (var json = JsonDocument.Parse(maxOutput))
        {
            var expected = model.CreateSession(new SessionOptions { Aggregation = WindowAggregation.MaxPositive }).Classify(text);
            Assert.That(json.RootElement.GetProperty("score").GetDouble(), Is.EqualTo(expected.Score).Within(1e-6));
            Assert.That(json.RootElement.GetProperty("label").GetString(), Is.EqualTo(expected.LabelName));
        }
        var (cutExit, cutOutput, _) = CliRunner.RunWith(null, null, "classify", "--model", path, "--truncate", text);
        Assert.That(cutExit, Is.EqualTo(0));
        Assert.That(cutOutput, Does.Contain($"{RuntimeTestModels.MaxPositions} tokens (truncated)"));
        var (strictExit, strictOutput, error) = CliRunner.RunWith(null, null, "classify", "--model", path, "--no-truncate", text);
        Assert.That(strictExit, Is.EqualTo(1));
        Assert.That(strictOutput, Is.Empty);
        Assert.That(error, Does.StartWith("edgebert: error:"));
        (strictExit, _, error) = CliRunner.RunWith(null, null, "classify", "--model", path, "--no-truncate", "--truncate", text);
        Assert.That((strictExit, error.Contains("exclude each other")), Is.EqualTo((2, true)), error);
    }

    [Test]
    public void ATwoThousandWordMailIsClassifiedWholeByDefaultAndJsonReportsTheWindows()
    {
        string path = RuntimeTestModels.Write(_dir);
        string mail = "Subject: w1 w2\n\n" + string.Join(' ', Enumerable.Range(0, 2000).Select(i => $"w{i % 12}"));
        var (exit, output, error) = CliRunner.RunWith(null, null, "classify", "--model", path, "--json", mail);
        Assert.That(exit, Is.EqualTo(0), error);
        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        using var model = Model.Load(path);
        var expected = model.CreateSession().Classify(mail);
        Assert.That(expected.Windows, Is.GreaterThan(500), "2,000 words over windows of 6 pieces every 3");
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("windows").GetInt32(), Is.EqualTo(expected.Windows));
            Assert.That(root.GetProperty("truncated").GetBoolean(), Is.False);
            Assert.That(root.GetProperty("tokens").GetInt32(), Is.EqualTo(expected.TokenCount).And.GreaterThan(2000));
            Assert.That(root.GetProperty("label").GetString(), Is.EqualTo(expected.LabelName));
        });
        var (_, cut, _) = CliRunner.RunWith(null, null, "classify", "--model", path, "--json", "--truncate", mail);
        using var truncated = JsonDocument.Parse(cut);
        Assert.That((truncated.RootElement.GetProperty("windows").GetInt32(), truncated.RootElement.GetProperty("truncated").GetBoolean()), Is.EqualTo((1, true)));
    }

    [Test]
    public void BadModelsAndArgumentsExitWithAMessage()
    {
        var (exit, _, error) = CliRunner.RunWith(null, null, "classify", "--model", Path.Combine(_dir, "missing.ebm"), "x");
        Assert.That((exit, error.Contains("missing.ebm")), Is.EqualTo((1, true)), error);
        string encoderOnly = RuntimeTestModels.Write(_dir, labels: []);
        (exit, _, error) = CliRunner.RunWith(null, null, "classify", "--model", encoderOnly, "x");
        Assert.That((exit, error.Contains("has no labels")), Is.EqualTo((1, true)), error);
        (exit, _, error) = CliRunner.RunWith(null, null, "classify", "--model", RuntimeTestModels.Write(_dir), "--threads", "0", "x");
        Assert.That((exit, error.Contains("--threads must be 1 to 1024")), Is.EqualTo((2, true)), error);
        (exit, _, error) = CliRunner.RunWith(null, null, "classify", "--model", RuntimeTestModels.Write(_dir));
        Assert.That((exit, error.Contains("give texts as arguments")), Is.EqualTo((2, true)), error);
        (exit, _, error) = CliRunner.RunWith(null, null, "classify", "--model", Path.Combine(_dir, "missing.ebm"));
        Assert.That((exit, error.Contains("give texts as arguments")), Is.EqualTo((2, true)), "usage is checked before the model is loaded: " + error);
        (exit, _, error) = CliRunner.RunWith([0x77, 0xFF, 0x0A], null, "classify", "--model", RuntimeTestModels.Write(_dir));
        Assert.That((exit, error.Contains("not valid UTF-8: line 1, byte offset 1")), Is.EqualTo((1, true)), error);
    }

    [Test]
    public void IdsFileAndReferenceJsonMatchTheTextReport()
    {
        string path = RuntimeTestModels.Write(_dir);
        string ids = Path.Combine(_dir, "ids.json");
        // [CLS] w0 w1 [SEP] = "w0 w1"; the second sequence is a pair with token types.
        File.WriteAllText(ids, """[{"ids": [2, 5, 6, 3]}, {"ids": [2, 7, 3, 8, 3], "type_ids": [0, 0, 0, 1, 1]}]""");
        var (exit, output, error) = CliRunner.Run("classify", "--model", path, "--ids", ids);
        Assert.That(exit, Is.EqualTo(0), error);
        Assert.That(output.Split('\n')[0], Is.EqualTo(CliRunner.Run("classify", "--model", path, "w0 w1").Out.Split('\n')[0]));

        string json = Path.Combine(_dir, "out.json");
        (exit, _, error) = CliRunner.Run("classify", "--model", path, "--ids", ids, "--reference-json", json, "--hidden");
        Assert.That(exit, Is.EqualTo(0), error);
        using var document = JsonDocument.Parse(File.ReadAllBytes(json));
        var root = document.RootElement;
        Assert.That(root.GetProperty("labels").GetArrayLength(), Is.EqualTo(2));
        Assert.That(root.GetProperty("logits").GetArrayLength(), Is.EqualTo(2));
        Assert.That(root.GetProperty("logits")[0].GetArrayLength(), Is.EqualTo(2));
        Assert.That(root.GetProperty("pooled")[1].GetArrayLength(), Is.EqualTo(RuntimeTestModels.Hidden));
        Assert.That(root.GetProperty("hidden")[1].GetArrayLength(), Is.EqualTo(5), "one row per token");
        Assert.That(root.GetProperty("hidden")[1][4].GetArrayLength(), Is.EqualTo(RuntimeTestModels.Hidden));

        // Texts work too, and '-' writes to stdout.
        (exit, output, error) = CliRunner.Run("classify", "--model", path, "--reference-json", "-", "w0 w1");
        Assert.That(exit, Is.EqualTo(0), error);
        using var fromText = JsonDocument.Parse(output);
        Assert.That(fromText.RootElement.GetProperty("logits")[0].EnumerateArray().Select(v => v.GetSingle()),
            Is.EqualTo(root.GetProperty("logits")[0].EnumerateArray().Select(v => v.GetSingle())));
    }

    [Test]
    public void BadIdsFilesExitWithOne()
    {
        string path = RuntimeTestModels.Write(_dir);
        string ids = Path.Combine(_dir, "ids.json");
        foreach (string content in new[] { "{}", "[{\"x\": 1}]", "[{\"ids\": [2, 9999, 3]}]", "[{\"ids\": [2, 3], \"type_ids\": [0]}]", "not json", "[{\"ids\": [\"a\"]}]", "[{\"ids\": [2.5]}]", "[{\"ids\": []}]" })
        {
            File.WriteAllText(ids, content);
            var (exit, _, error) = CliRunner.Run("classify", "--model", path, "--ids", ids);
            Assert.That(exit, Is.EqualTo(1), content);
            Assert.That(error, Does.StartWith("edgebert: error:"), content);
        }
    }

    [Test]
    public void ConflictingOptionsAreUsageErrors()
    {
        string path = RuntimeTestModels.Write(_dir), ids = Path.Combine(_dir, "ids.json");
        File.WriteAllText(ids, "[{\"ids\": [2, 3]}]");
        foreach (var args in new[]
        {
            new[] { "classify", "--model", path, "--ids", ids, "text" },
            ["classify", "--model", path, "--json", "--reference-json", "-", "text"],
            ["classify", "--model", path, "--hidden", "text"],
        })
        {
            var (exit, _, error) = CliRunner.Run(args);
            Assert.That(exit, Is.EqualTo(2), string.Join(" ", args));
            Assert.That(error, Does.StartWith("edgebert: error: classify: "), string.Join(" ", args));
        }
    }
}
