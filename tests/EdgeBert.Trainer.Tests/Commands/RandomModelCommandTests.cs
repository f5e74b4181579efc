using EdgeBert.Encoder;
using EdgeBert.Format;
using EdgeBert.Runtime;
using EdgeBert.Tooling;
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
        var options = new RandomBertOptions { Layers = 1, Hidden = 16, Heads = 2, Ffn = 32, MaxPositions = 8 };
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

    [TestCase("fp32", EbmDType.F32, EbmDType.F32)]
    [TestCase("w8a8", EbmDType.I8, EbmDType.F32)]
    [TestCase("w2a8", EbmDType.Ternary, EbmDType.F32)]
    [TestCase("w1a8", EbmDType.Binary, EbmDType.F32)]
    [TestCase("w1a4", EbmDType.Binary, EbmDType.F32)]
    [TestCase("w1a1", EbmDType.Binary, EbmDType.Binary)]
    public void SchemeQuantizesEveryLayerAndTheRuntimeRunsIt(string scheme, EbmDType weight, EbmDType word)
    {
        string path = Path.Combine(Path.GetTempPath(), $"edgebert-random-{Guid.NewGuid():N}.ebm");
        try
        {
            var (exit, output, error) = Run("random-model", "--out", path, "--layers", "2", "--hidden", "64", "--heads", "2",
                "--ffn", "96", "--scheme", scheme, "--activation", "relu");
            Assert.That(exit, Is.EqualTo(0), error);
            Assert.That(output, Does.Contain($"scheme {scheme}").And.Contain("relu"));
            using (var file = EbmFile.Open(path))
            {
                Assert.That(file.GetTensor("layer.1.ffn.out.weight").DType, Is.EqualTo(weight), scheme);
                Assert.That(file.GetTensor("pooler.weight").DType, Is.EqualTo(weight), scheme);
                Assert.That(file.GetTensor("embeddings.word").DType, Is.EqualTo(word), scheme);
                Assert.That(file.GetTensor("classifier.weight").DType, Is.EqualTo(EbmDType.F32), scheme);
                var a = file.Metadata.Architecture;
                Assert.That(a.Activation, Is.EqualTo(FfnActivation.Relu));
                Assert.That(a.Attention, Is.EqualTo(scheme == "w1a1" ? AttentionKind.BiAttention : AttentionKind.Softmax));
            }
            using var model = EdgeBert.Runtime.Model.Load(path);
            Assert.That(model.Schemes, Is.All.EqualTo(LinearSchemes.TryParse(scheme, out var s) ? s : throw new AssertionException(scheme)));
            var result = model.CreateSession().Classify("free money, click here");
            Assert.That(result.LabelName, Is.EqualTo("ham").Or.EqualTo("spam"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void UnknownSchemeIsAUsageError()
    {
        var (exit, _, error) = Run("random-model", "--out", "x.ebm", "--scheme", "w3a3");
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(error, Does.Contain("w3a3"));
    }

    [Test]
    public void TernaryWeightsFollowTwnAndBinaryWeightsBiBert()
    {
        var options = new RandomBertOptions { Layers = 1, Hidden = 32, Heads = 2, Ffn = 32, MaxPositions = 8, Seed = 5 };
        using var fp = EbmFile.Load(RandomModelCommand.Build(options).ToArray());
        using var ternary = EbmFile.Load(RandomModelCommand.Build(options with { Scheme = LinearScheme.W2A8 }).ToArray());
        using var binary = EbmFile.Load(RandomModelCommand.Build(options with { Scheme = LinearScheme.W1A1 }).ToArray());
        const string name = "layer.0.attention.value.weight";
        float[] w = fp.GetF32(name).ToArray();
        double delta = 0.7 * w.Average(x => Math.Abs(x));
        var kept = w.Where(x => Math.Abs(x) > delta).ToArray();
        var t = ternary.GetTensor(name);
        Assert.That(t.Scales.ToArray(), Has.Length.EqualTo(1));
        Assert.That(t.Scales[0], Is.EqualTo(kept.Average(x => Math.Abs(x))).Within(1e-6), "TWN alpha, seed 5");
        var planes = ternary.GetTernary(name);
        var sign = binary.GetBinary(name);
        var b = binary.GetTensor(name);
        for (int r = 0; r < 32; r++)
        {
            var row = w.AsSpan(r * 32, 32).ToArray();
            double mean = row.Average();
            Assert.That(b.Scales[r], Is.EqualTo(row.Average(x => Math.Abs(x))).Within(1e-6), $"BiBERT alpha of row {r}");
            for (int c = 0; c < 32; c++)
            {
                float x = row[c];
                bool nonzero = (planes.Nonzero[r] >> c & 1) == 1, negative = (planes.Sign[r] >> c & 1) == 1;
                Assert.That(nonzero, Is.EqualTo(Math.Abs(x) > delta), $"TWN mask [{r}, {c}]");
                if (nonzero) Assert.That(negative, Is.EqualTo(x < 0), $"TWN sign [{r}, {c}]");
                Assert.That((sign[r] >> c & 1) == 1, Is.EqualTo(x - mean < 0), $"BiBERT sign [{r}, {c}]");
            }
        }
    }
}
