using EdgeBert.Trainer.Tests.Training;
using EdgeBert.Trainer.Torch;
using EdgeBert.Trainer.Torch.Training;
using EdgeBert.Trainer.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Tests.Torch.Training;

/// <summary>
/// <see cref="TorchAdamW"/>: LibTorch's AdamW step equals AdamW computed by hand (in float64,
/// from the formulas of Loshchilov &amp; Hutter / torch.optim.AdamW), decay only on weights, the
/// learning rate reaches every group, and its saved state continues exactly.
/// </summary>
[TestFixture]
[Category("Torch")]
public sealed class TorchAdamWTests
{
    private static Parameter Param(params float[] values) => new(tensor(values), requires_grad: true);

    [Test]
    public void TwoStepsEqualTheHandComputedUpdate_WithDecayOnlyOnTheWeight()
    {
        using var scope = NewDisposeScope();
        Parameter weight = Param(0.5f, -1.0f), bias = Param(0.25f);
        var options = new AdamWOptions { Beta1 = 0.9f, Beta2 = 0.999f, Epsilon = 1e-8f, WeightDecay = 0.5f };
        using var adam = new TorchAdamW([("lin.weight", weight), ("lin.bias", bias)], options);
        float[][] weightGrads = [[0.2f, -0.4f], [-0.1f, 0.3f]];
        float[][] biasGrads = [[1.0f], [0.5f]];
        double[] lrs = [0.1, 0.05];

        double[] w = [0.5, -1.0], b = [0.25];
        double[] mw = new double[2], vw = new double[2], mb = new double[1], vb = new double[1];
        for (int t = 1; t <= 2; t++)
        {
            weight.grad = tensor(weightGrads[t - 1]);
            bias.grad = tensor(biasGrads[t - 1]);
            adam.Step(lrs[t - 1]);
            HandStep(w, mw, vw, weightGrads[t - 1], lrs[t - 1], 0.5, t);
            HandStep(b, mb, vb, biasGrads[t - 1], lrs[t - 1], 0.0, t);
        }

        Assert.That(weight.data<float>().ToArray(), Is.EqualTo(w.Select(x => (float)x)).Within(1e-6));
        Assert.That(bias.data<float>().ToArray(), Is.EqualTo(b.Select(x => (float)x)).Within(1e-6));
    }

    /// <summary>p ← p(1 − lr·λ); m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; p ← p − lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε).</summary>
    private static void HandStep(double[] p, double[] m, double[] v, float[] g, double lr, double decay, int t)
    {
        for (int i = 0; i < p.Length; i++)
        {
            p[i] *= 1 - lr * decay;
            m[i] = 0.9 * m[i] + 0.1 * g[i];
            v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
            p[i] -= lr / (1 - Math.Pow(0.9, t)) * m[i] / (Math.Sqrt(v[i]) / Math.Sqrt(1 - Math.Pow(0.999, t)) + 1e-8);
        }
    }

    [Test]
    public void BiasesAndLayerNormsAreNotDecayed_EverythingElseIs()
    {
        random.manual_seed(1);
        using var model = new TorchBertModel(Tiny.Config());
        using var adam = new TorchAdamW(model.NamedWeights(), new AdamWOptions());
        Assert.That(adam.NotDecayedNames, Is.Not.Empty);
        Assert.That(adam.NotDecayedNames, Has.All.Matches<string>(n => n.EndsWith(".bias") || n.EndsWith(".gamma") || n.EndsWith(".beta")));
        Assert.That(adam.DecayedNames, Has.None.Matches<string>(n => n.EndsWith(".bias") || n.EndsWith(".gamma") || n.EndsWith(".beta")));
        Assert.That(adam.DecayedNames, Does.Contain("embeddings.word").And.Contain("layer.0.attention.query.weight").And.Contain("classifier.weight"));
        Assert.That(adam.DecayedNames.Count() + adam.NotDecayedNames.Count(), Is.EqualTo(model.NamedWeights().Count()));
        Assert.That(adam.Optimizer.ParamGroups.Count(), Is.EqualTo(2));
    }

    [Test]
    public void StepSetsTheLearningRateOfEveryGroup()
    {
        using var scope = NewDisposeScope();
        Parameter weight = Param(1f), bias = Param(1f);
        using var adam = new TorchAdamW([("a.weight", weight), ("a.bias", bias)]);
        weight.grad = tensor(new[] { 1f });
        bias.grad = tensor(new[] { 1f });
        adam.Step(0.0125);
        Assert.That(adam.Optimizer.ParamGroups.Select(g => g.LearningRate), Is.All.EqualTo(0.0125));
    }

    [Test]
    public void SavedStateContinuesExactly_AndAParameterWithoutGradientIsLeftAlone()
    {
        using var scope = NewDisposeScope();
        Parameter a = Param(0.3f, -0.7f, 1.1f), unused = Param(2f);
        using var first = new TorchAdamW([("x.weight", a), ("y.weight", unused)]);
        a.grad = tensor(new[] { 0.1f, 0.2f, -0.3f });
        first.Step(0.01);
        (var moments, var steps) = first.SaveState();
        Assert.That(steps["x.weight"], Is.EqualTo(1));
        Assert.That(steps["y.weight"], Is.EqualTo(0), "no gradient, no update");
        Assert.That(unused.data<float>().ToArray(), Is.EqualTo(new[] { 2f }));

        Parameter b = new(a.detach().clone(), requires_grad: true), unused2 = Param(2f);
        using var second = new TorchAdamW([("x.weight", b), ("y.weight", unused2)]);
        second.LoadState(moments.ToDictionary(m => m.Name, m => m.Values), steps);
        foreach ((Parameter p, TorchAdamW o) in new[] { (a, first), (b, second) })
        {
            p.grad = tensor(new[] { -0.05f, 0.4f, 0.2f });
            o.Step(0.02);
        }

        Assert.That(b.data<float>().ToArray(), Is.EqualTo(a.data<float>().ToArray()));
        Assert.That(() => second.LoadState(new Dictionary<string, float[]>(), steps), Throws.ArgumentException.With.Message.Contains("m.x.weight"));
    }
}
