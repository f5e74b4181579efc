using EdgeBert.Format;
using EdgeBert.Trainer.Commands;

namespace EdgeBert.Trainer.Tests.Commands;

public class RandomModelCommandTests
{
    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = Program.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Test]
    public void WritesAValidBertModelWithConventionalTensorNames()
    {
        string path = Path.Combine(Path.GetTempPath(), $"edgebert-random-{Guid.NewGuid():N}", "model.ebm");
        try
        {
            var (exit, output, error) = Run("random-model", "--out", path, "--layers", "3", "--hidden", "32", "--heads", "4",
                "--ffn", "48", "--max-positions", "20", "--labels", "a,b,c", "--seed", "7");
            Assert.That(exit, Is.EqualTo(0), error);
            Assert.That(output, Does.Contain("wrote").And.Contain("seed 7"));

            using var model = EbmFile.Open(path);
            var a = model.Metadata.Architecture;
            Assert.That((a.Layers, a.HiddenSize, a.Heads, a.FfnSize, a.MaxPositions), Is.EqualTo((3, 32, 4, 48, 20)));
            Assert.That(model.Metadata.Labels, Is.EqualTo(new[] { "a", "b", "c" }));
            Assert.That(model.Metadata.Layers, Has.Count.EqualTo(3).And.All.Property("WeightBits").EqualTo(32));
            Assert.That(model.Vocabulary.Take(5), Is.EqualTo(new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" }));
            Assert.That(model.Vocabulary, Does.Contain("##a").And.Contain("the").And.Contain("x"));
            Assert.That(model.Tensors, Has.All.Property("DType").EqualTo(EbmDType.F32));

            // 5 embedding tensors, 16 per layer, pooler 2, classifier 2.
            Assert.That(model.Tensors, Has.Count.EqualTo(5 + 16 * 3 + 4));
            Assert.That(model.GetTensor("layer.2.ffn.in.weight").Shape, Is.EqualTo(new[] { 48, 32 }));
            Assert.That(model.GetTensor("classifier.weight").Shape, Is.EqualTo(new[] { 3, 32 }));
            Assert.That(model.GetF32("layer.0.attention.ln.gamma").ToArray(), Is.All.EqualTo(1f));
            var weights = model.GetF32("layer.1.attention.query.weight");
            double mean = 0, variance = 0;
            foreach (float w in weights) mean += w / weights.Length;
            foreach (float w in weights) variance += (w - mean) * (w - mean) / weights.Length;
            Assert.That(Math.Sqrt(variance), Is.EqualTo(0.02).Within(0.004), "N(0, 0.02) initialisation, seed 7, 1024 values");
            Assert.That(Math.Abs(mean), Is.LessThan(0.004));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Test]
    public void SameSeedSameBytesOtherSeedOtherBytes()
    {
        var options = new RandomModelCommand.Options { Layers = 1, Hidden = 16, Heads = 2, Ffn = 32, MaxPositions = 8 };
        byte[] first = RandomModelCommand.Build(options).ToArray();
        Assert.That(RandomModelCommand.Build(options).ToArray(), Is.EqualTo(first));
        Assert.That(RandomModelCommand.Build(options with { Seed = 2 }).ToArray(), Is.Not.EqualTo(first));
    }

    [TestCase("--heads", "3", "must divide")]
    [TestCase("--layers", "0", "--layers must be at least 1")]
    [TestCase("--max-positions", "1", "at least 2")]
    public void ImpossibleSizesExitWithOne(string option, string value, string message)
    {
        string path = Path.Combine(Path.GetTempPath(), $"edgebert-random-{Guid.NewGuid():N}.ebm");
        var (exit, _, error) = Run("random-model", "--out", path, option, value);
        Assert.That(exit, Is.EqualTo(1), $"{option} {value}");
        Assert.That(error, Does.Contain(message));
        Assert.That(File.Exists(path), Is.False);
    }

    [Test]
    public void MissingOutIsAUsageError()
    {
        var (exit, _, error) = Run("random-model");
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(error, Does.Contain("--out"));
    }
}
