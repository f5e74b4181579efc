using System.Globalization;
using EdgeBert.Runtime;

namespace EdgeBert.Native.Tests;

/// <summary>
/// The C example (native-aot/examples/classify.c, through libedgebert.so) prints exactly what the
/// C# API computes. scripts/test.d/native.sh runs the example and then this test with
/// EDGEBERT_C_EXAMPLE_MODEL, EDGEBERT_C_EXAMPLE_TEXTS (one text per line) and
/// EDGEBERT_C_EXAMPLE_OUTPUT set; the plain NUnit run has no library built yet and ignores it.
/// </summary>
public class CExampleParityTests
{
    [Test]
    public void CExampleOutputEqualsTheCSharpApi()
    {
        string? model = Environment.GetEnvironmentVariable("EDGEBERT_C_EXAMPLE_MODEL");
        string? texts = Environment.GetEnvironmentVariable("EDGEBERT_C_EXAMPLE_TEXTS");
        string? output = Environment.GetEnvironmentVariable("EDGEBERT_C_EXAMPLE_OUTPUT");
        if (model is null || texts is null || output is null) Assert.Ignore("run by scripts/test.d/native.sh after it builds libedgebert.so");

        using var loaded = Model.Load(model!);
        var session = loaded.CreateSession();
        string[] inputs = File.ReadAllLines(texts!);
        string[] lines = File.ReadAllLines(output!);
        Assert.That(lines, Has.Length.EqualTo(inputs.Length), "one output line per text");
        for (int i = 0; i < inputs.Length; i++)
        {
            var logits = new float[loaded.Labels.Count];
            var expected = session.Classify(inputs[i], logits);
            string[] fields = lines[i].Split('\t');
            Assert.Multiple(() =>
            {
                Assert.That(int.Parse(fields[0], CultureInfo.InvariantCulture), Is.EqualTo(expected.Label), $"text {i}");
                Assert.That(fields[1], Is.EqualTo(expected.LabelName), $"text {i}");
                // %.9g round-trips a float exactly, so equality here is bit equality.
                Assert.That(float.Parse(fields[2], CultureInfo.InvariantCulture), Is.EqualTo(expected.Score), $"text {i}");
                Assert.That(fields[3].Split(' ').Select(f => float.Parse(f, CultureInfo.InvariantCulture)), Is.EqualTo(logits), $"text {i}");
                Assert.That(int.Parse(fields[4], CultureInfo.InvariantCulture), Is.EqualTo(expected.TokenCount), $"text {i}");
            });
        }
    }
}
