using EdgeBert.Encoder;
using EdgeBert.Format;
using EdgeBert.Runtime;
using EdgeBert.Tooling;
using RuntimeModel = EdgeBert.Runtime.Model;

namespace EdgeBert.Core.Tests.Tooling;

public class RandomBertTests
{
    private static readonly string[] Vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "free", "money", "now"];

    private static RandomBertOptions Options(LinearScheme scheme = LinearScheme.Fp32) => new()
    {
        Vocabulary = Vocabulary, Layers = 1, Hidden = 16, Heads = 2, Ffn = 32, MaxPositions = 8, Scheme = scheme, Seed = 4,
    };

    [TestCaseSource(typeof(LinearSchemes), nameof(LinearSchemes.All))]
    public void Every_scheme_builds_a_model_the_runtime_loads_and_runs(LinearScheme scheme)
    {
        byte[] bytes = RandomBert.Build(Options(scheme)).ToArray();
        using var model = RuntimeModel.Load(bytes);
        Assert.That(model.Schemes, Is.All.EqualTo(scheme));
        Assert.That(model.Metadata.Provenance.Method, Is.EqualTo(RandomBert.MethodOf(scheme)));
        Assert.That(model.Metadata.Architecture.Attention, Is.EqualTo(scheme == LinearScheme.W1A1 ? AttentionKind.BiAttention : AttentionKind.Softmax));
        var result = model.CreateSession().Classify("free money now");
        Assert.That(result.TokenCount, Is.EqualTo(5));
        Assert.That(model.Labels, Is.EqualTo(new[] { "ham", "spam" }));
    }

    [Test]
    public void The_same_options_give_the_same_bytes_and_another_seed_other_weights()
    {
        byte[] a = RandomBert.Build(Options()).ToArray();
        Assert.That(RandomBert.Build(Options()).ToArray(), Is.EqualTo(a));
        byte[] b = RandomBert.Build(Options() with { Seed = 5 }).ToArray();
        Assert.That(b, Has.Length.EqualTo(a.Length));
        Assert.That(b, Is.Not.EqualTo(a));
    }

    [Test]
    public void Weights_follow_berts_initialiser()
    {
        using var file = EbmFile.Load(RandomBert.Build(Options() with { Hidden = 64, Ffn = 128 }).ToArray());
        float[] w = file.GetF32("layer.0.ffn.in.weight").ToArray();
        double mean = w.Average(), sd = Math.Sqrt(w.Average(x => (x - mean) * (x - mean)));
        Assert.That(mean, Is.EqualTo(0).Within(0.002));
        Assert.That(sd, Is.EqualTo(0.02).Within(0.002));
        Assert.That(file.GetF32("layer.0.attention.ln.gamma").ToArray(), Is.All.EqualTo(1f));
        Assert.That(file.GetF32("layer.0.attention.ln.beta").ToArray(), Is.All.EqualTo(0f));
    }

    [Test]
    public void Provenance_and_an_encoder_only_head_come_from_the_options()
    {
        using var file = EbmFile.Load(RandomBert.Build(Options() with { Labels = [], TrainerVersion = "9.9", Notes = "n" }).ToArray());
        Assert.That((file.Metadata.Provenance.TrainerVersion, file.Metadata.Provenance.Notes), Is.EqualTo(("9.9", "n")));
        Assert.That(file.Metadata.Labels, Is.Empty);
        Assert.That(file.TryGetTensor("classifier.weight", out _), Is.False);
    }

    [Test]
    public void Impossible_sizes_are_refused_naming_the_option()
    {
        Assert.That(() => RandomBert.Build(Options() with { Layers = 0 }), Throws.ArgumentException.With.Message.Contains("--layers"));
        Assert.That(() => RandomBert.Build(Options() with { Heads = 3 }), Throws.ArgumentException.With.Message.Contains("must divide --hidden 16"));
        Assert.That(() => RandomBert.Build(Options() with { MaxPositions = 1 }), Throws.ArgumentException.With.Message.Contains("at least 2"));
        Assert.That(() => RandomBert.Build(null!), Throws.ArgumentNullException);
    }
}
