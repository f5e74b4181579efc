using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Training;

namespace EdgeBert.Trainer.Tests.Training;

public class AdamWTests
{
    private static Tensor Param(float value, float grad)
    {
        var p = new Tensor([value], [1], requiresGrad: true);
        p.Backward([grad]);
        return p;
    }

    [Test]
    public void FirstStep_MatchesHandComputedValues_WithAndWithoutWeightDecay()
    {
        // lr 0.1, λ 0.01, g 0.5: decay 1 → 0.999; m̂ = 0.5, v̂ = 0.25, step 0.1·0.5/(0.5 + 1e-8) ≈ 0.1.
        Tensor w = Param(1f, 0.5f), b = Param(1f, 0.5f);
        var adam = new AdamW([("layer.weight", w), ("layer.bias", b)], new AdamWOptions { WeightDecay = 0.01f });
        adam.Update(0.1f);
        Assert.That(w.Data[0], Is.EqualTo(0.899f).Within(1e-6f), "weight: decayed then Adam step");
        Assert.That(b.Data[0], Is.EqualTo(0.9f).Within(1e-6f), "bias: no decay");
        Assert.That(adam.Step, Is.EqualTo(1));
    }

    [Test]
    public void SecondStep_UsesBiasCorrectedMoments()
    {
        Tensor w = Param(1f, 0.5f);
        var adam = new AdamW([("w.weight", w)], new AdamWOptions { WeightDecay = 0f, Beta1 = 0.9f, Beta2 = 0.999f, Epsilon = 1e-8f });
        adam.Update(0.1f);
        w.ZeroGrad();
        w.Backward([-0.25f]);
        adam.Update(0.05f);
        // By hand: m1 = 0.05, v1 = 0.00025; m2 = 0.045 − 0.025 = 0.02, v2 = 0.00024975 + 0.0000625 = 0.00031225.
        double m2 = 0.02, v2 = 0.00031225;
        double mHat = m2 / (1 - 0.81), vHat = v2 / (1 - 0.998001);
        double expected = 0.9 - 0.05 * mHat / (Math.Sqrt(vHat) + 1e-8);
        Assert.That(w.Data[0], Is.EqualTo((float)expected).Within(1e-6f));
    }

    [Test]
    public void ParameterWithoutGradient_IsNotTouched()
    {
        var p = new Tensor([2f], [1], requiresGrad: true);
        var adam = new AdamW([("a.weight", p)]);
        adam.Update(1f);
        Assert.That(p.Data[0], Is.EqualTo(2f));
    }

    [TestCase("layer.0.attention.query.weight", true)]
    [TestCase("embeddings.word", true)]
    [TestCase("layer.0.attention.query.bias", false)]
    [TestCase("layer.0.ffn.ln.gamma", false)]
    [TestCase("embeddings.ln.beta", false)]
    [TestCase("mlm.bias", false)]
    public void DecaysWeight_ExcludesBiasAndLayerNorm(string name, bool decays) =>
        Assert.That(AdamW.DecaysWeight(name), Is.EqualTo(decays));

    [Test]
    public void BadInput_ThrowsClearly()
    {
        var p = new Tensor([2f], [1], requiresGrad: true);
        Assert.That(() => new AdamW([("x", p), ("x", p)]), Throws.ArgumentException.With.Message.Contains("'x' appears twice"));
        Assert.That(() => new AdamW([("x", p)], new AdamWOptions { Beta1 = 1f }), Throws.ArgumentException.With.Message.Contains("beta1"));
        var adam = new AdamW([("x", p)]);
        Assert.That(() => adam.Update(float.NaN), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => adam.LoadState(1, new Dictionary<string, float[]>()), Throws.ArgumentException.With.Message.Contains("'m.x' is missing"));
        Assert.That(() => adam.LoadState(1, new Dictionary<string, float[]> { ["m.x"] = new float[2], ["v.x"] = new float[1] }),
            Throws.ArgumentException.With.Message.Contains("2 values"));
    }
}
