using System.Globalization;
using System.Text.Json;
using EdgeBert.Encoder;
using EdgeBert.Runtime;

namespace EdgeBert.Cli.Tests.Commands;

public class EmbedCommandTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("edgebert-embed-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static float[] Expected(string path, string text)
    {
        using var model = Model.Load(path);
        var embedding = new float[model.HiddenSize];
        model.CreateSession().Embed(text, embedding);
        return embedding;
    }

    [TestCase(LinearScheme.W2A8)]
    [TestCase(LinearScheme.W1A1)]
    public void PlainLinesRoundTripTheRuntimesEmbeddingExactly(LinearScheme scheme)
    {
        string path = RuntimeTestModels.Write(_dir, scheme, labels: []);
        var (exit, output, error) = CliRunner.RunWith(null, null, "embed", "--model", path, "w7 w8", "w9");
        Assert.That(exit, Is.EqualTo(0), error);
        string[] lines = output.TrimEnd().Split(Environment.NewLine);
        Assert.That(lines, Has.Length.EqualTo(2));
        var values = lines[0].Split(' ').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        Assert.That(values, Is.EqualTo(Expected(path, "w7 w8")), $"{scheme} seed 9, 'w7 w8'");
        Assert.That(lines[1].Split(' '), Has.Length.EqualTo(RuntimeTestModels.Hidden));
    }

    [Test]
    public void JsonFromStdinCarriesTheVectorTokensAndTruncation()
    {
        string path = RuntimeTestModels.Write(_dir);
        var (exit, output, error) = CliRunner.RunWith("w1\n"u8.ToArray(), null, "embed", "--model", path, "--json");
        Assert.That(exit, Is.EqualTo(0), error);
        using var doc = JsonDocument.Parse(output.TrimEnd());
        var embedding = doc.RootElement.GetProperty("embedding").EnumerateArray().Select(e => e.GetSingle()).ToArray();
        Assert.That(embedding, Is.EqualTo(Expected(path, "w1")));
        Assert.That(doc.RootElement.GetProperty("tokens").GetInt32(), Is.EqualTo(3));
        Assert.That(doc.RootElement.GetProperty("truncated").GetBoolean(), Is.False);
    }

    [Test]
    public void NoModelAndBadArgumentsExitWithAMessage()
    {
        var (exit, _, error) = CliRunner.RunWith(null, null, "embed", "x");
        Assert.That((exit, error.Contains("no embedded default model")), Is.EqualTo((1, true)), error);
        (exit, _, error) = CliRunner.RunWith(null, null, "embed", "--model", RuntimeTestModels.Write(_dir), "--threads", "-1", "x");
        Assert.That((exit, error.Contains("--threads must be 1 to 1024")), Is.EqualTo((2, true)), error);
    }
}
