using EdgeBert.Encoder.Quantization;
using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Nn;
using EdgeBert.Trainer.Quantization;
using EdgeBert.Trainer.Tests.Autograd;
using EdgeBert.Trainer.Tests.Training;
using EdgeBert.Trainer.Training;
using static EdgeBert.Trainer.Tests.Quantization.QuantizerTestData;
using Tensor = EdgeBert.Trainer.Autograd.Tensor;

namespace EdgeBert.Trainer.Tests.Quantization;

/// <summary>BiBERT's W1A1 pieces: the exact ±1 product, Bi-Attention, the float64 LayerNorm and the model hooks.</summary>
[TestFixture]
public sealed class BiBertOpTests
{
    private static Tensor Signs(Tensor x) => new(x.Data.Select(v => v < 0f ? -1f : 1f).ToArray(), x.ShapeArray(), requiresGrad: true);

    [Test]
    public void W1A1ProductIsTheRuntimesAlphaTimesIntegerDotPlusBiasBitForBit([Values(1, 2, 3)] int seed)
    {
        const int m = 7, n = 5, k = 48;
        Tensor x = Signs(Random([m, k], seed));
        Tensor latent = Random([n, k], seed + 1, 0.05f);
        Tensor b = Random([n], seed + 2, 0.5f);
        Tensor y = BiBertLinear.Apply(x, BinaryWeight.ApplyCentredRows(latent), b);

        var negative = new bool[n * k];
        var alpha = new float[n];
        BinaryQuantizer.BinarizeRows(latent.Data, n, k, negative, alpha);
        for (int t = 0; t < m; t++)
        for (int j = 0; j < n; j++)
        {
            int dot = 0;
            for (int c = 0; c < k; c++) dot += (x.Data[t * k + c] < 0f) == negative[j * k + c] ? 1 : -1;
            // The epilogue of docs/inference.md: (α·1)·d, then + b, in float32.
            float scaled = alpha[j] * dot;
            Assert.That(y.Data[t * n + j], Is.EqualTo(scaled + b.Data[j]), $"seed {seed} token {t} output {j} dot {dot}");
        }
        Assert.That(y.ShapeArray(), Is.EqualTo(new[] { m, n }));
        // The same real number as the float linear: only the rounding differs.
        Tensor reference = Ops.Linear(x, BinaryWeight.ApplyCentredRows(latent), b);
        for (int i = 0; i < y.Length; i++) Assert.That(y.Data[i], Is.EqualTo(reference.Data[i]).Within(1e-5f));
    }

    [Test]
    public void W1A1ProductBackwardIsTheLinearBackward([Values(4, 5)] int seed)
    {
        Tensor x1 = Signs(Random([2, 3, 16], seed)), x2 = Signs(Random([2, 3, 16], seed));
        Tensor w = Random([4, 16], seed + 1, 0.05f, requiresGrad: false);
        float[] binarized;
        using (Tape.NoGrad()) binarized = BinaryWeight.ApplyCentredRows(w).Data;
        Tensor w1 = new((float[])binarized.Clone(), [4, 16], true), w2 = new((float[])binarized.Clone(), [4, 16], true);
        Tensor b1 = Random([4], seed + 2), b2 = Random([4], seed + 2);
        float[] g = Upstream(24, seed);
        BiBertLinear.Apply(x1, w1, b1).Backward(g);
        Ops.Linear(x2, w2, b2).Backward(g);
        Assert.That(x1.Grad, Is.EqualTo(x2.Grad).Within(1e-6f), "dx = g·ŵ");
        Assert.That(w1.Grad, Is.EqualTo(w2.Grad).Within(1e-6f), "dŵ = gᵀ·x");
        Assert.That(b1.Grad, Is.EqualTo(b2.Grad).Within(1e-6f), "db = Σ g");
    }

    [Test]
    public void W1A1ProductRejectsWeightsThatAreNotBinarizedAndBadShapes()
    {
        Tensor x = Signs(Random([2, 4], 1));
        Assert.That(() => BiBertLinear.Apply(x, Random([3, 4], 2), null), Throws.ArgumentException.With.Message.Contains("not ±α"));
        Tensor w = BinaryWeight.ApplyCentredRows(Random([3, 4], 2));
        Assert.That(() => BiBertLinear.Apply(x, BinaryWeight.ApplyCentredRows(Random([3, 5], 2)), null), Throws.ArgumentException.With.Message.Contains("weight must be [out, 4]"));
        Assert.That(() => BiBertLinear.Apply(x, w, Random([2], 3)), Throws.ArgumentException.With.Message.Contains("bias must be [3]"));
        Assert.That(() => BiBertLinear.Apply(Random([2, 4], 4), w, null), Throws.ArgumentException.With.Message.Contains("must be ±1"));
        Assert.That(BiBertLinear.Apply(x, w, null).ShapeArray(), Is.EqualTo(new[] { 2, 3 }));
    }

    [Test]
    public void BiAttentionIsBoolOfMaskedScoresWithTheStraightThroughWindow()
    {
        // B = 1, heads = 2, L = 3: scores of every sign, exact zeros, one padded key.
        float[] a =
        [
            2f, 0f, 0.5f,   -0.25f, 0.75f, 3f,   0f, -2f, 0.25f,
            -1f, 1f, 0.5f,   0.5f, 0f, -0.5f,   4f, 0.25f, 0.25f,
        ];
        var scores = new Tensor(a, [1, 2, 3, 3], requiresGrad: true);
        Tensor mask = AttentionMask.FromPadding([1, 1, 0], 1, 3);
        Tensor w = BiBertAttention.Apply(scores, mask);
        float[] g = Upstream(18, 1);
        w.Backward(g);
        for (int i = 0; i < 18; i++)
        {
            bool padded = i % 3 == 2;
            float masked = padded ? a[i] - 10000f : a[i];
            Assert.That(w.Data[i], Is.EqualTo(masked > 0f ? 1f : 0f), $"element {i}: A = {a[i]}, padded {padded} (A = 0 gives 0)");
            Assert.That(scores.Grad![i], Is.EqualTo(MathF.Abs(masked) < 1f ? g[i] : 0f), $"element {i}: STE 1[|A| < 1]");
        }
        Assert.That(() => BiBertAttention.Apply(scores, new Tensor(new float[3], [1, 1, 3, 1])), Throws.ArgumentException.With.Message.Contains("mask must be [1, 1, 1, 3]"));
        Assert.That(BiBertAttention.Apply(scores.Detach(), null).Data, Is.EqualTo(a.Select(v => v > 0f ? 1f : 0f).ToArray()));
    }

    [Test]
    public void Float64LayerNormIsTheRuntimesFormulaRoundedOnce([Values(1, 2, 3)] int seed)
    {
        const int h = 24;
        Tensor x = Random([5, h], seed, 3f);
        for (int i = 0; i < h; i++) x.Data[i] += 1000f; // a large mean: float32 statistics would lose bits here
        Tensor gamma = Random([h], seed + 1), beta = Random([h], seed + 2);
        Tensor y = Ops.LayerNorm(x, gamma, beta, 1e-12f, float64: true);
        for (int r = 0; r < 5; r++)
        {
            double mean = 0, variance = 0;
            for (int i = 0; i < h; i++) mean += x.Data[r * h + i];
            mean /= h;
            for (int i = 0; i < h; i++) variance += (x.Data[r * h + i] - mean) * (x.Data[r * h + i] - mean);
            variance /= h;
            double inverse = 1.0 / Math.Sqrt(variance + 1e-12f);
            for (int i = 0; i < h; i++)
            {
                float expected = (float)((x.Data[r * h + i] - mean) * inverse * gamma.Data[i] + beta.Data[i]);
                Assert.That(y.Data[r * h + i], Is.EqualTo(expected), $"seed {seed} row {r} column {i}");
            }
        }
        Tensor y32 = Ops.LayerNorm(x, gamma, beta, 1e-12f);
        for (int i = 0; i < y.Length; i++) Assert.That(y.Data[i], Is.EqualTo(y32.Data[i]).Within(1e-3f), "the float32 forward is the same function");
    }

    [Test]
    public void Float64LayerNormGradientMatchesFiniteDifferences([Values(1, 2)] int seed)
    {
        GradCheck.Check("layer_norm_f64", seed, t => Ops.LayerNorm(t[0], t[1], t[2], 1e-5f, float64: true),
            [Random([3, 8], seed), Random([8], seed + 1), Random([8], seed + 2)]);
    }

    private static BertModel TinyModel(int seed, float dropout = 0f)
    {
        var model = new BertModel(Tiny.Config(dropout) with { Layers = 2 }, new TrainingRandom((ulong)seed));
        // Spread the weights so that signs and bool() are not all the same.
        foreach ((_, Tensor p) in model.NamedParameters())
        {
            var rng = new Random(seed);
            for (int i = 0; i < p.Length; i++) p.Data[i] += (float)(rng.NextDouble() - 0.5) * 0.2f;
        }
        return model;
    }

    private static BertBatch Batch()
    {
        int[] keep = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0];
        var rng = new Random(9);
        int[] ids = [.. keep.Select(k => k == 1 ? 5 + rng.Next(40) : 0)];
        return new BertBatch(2, 8, ids, new int[16], keep, [0, 1]);
    }

    [Test]
    public void TheForwardExposesTheProjectionsBeforeBinarization()
    {
        BertModel model = TinyModel(3);
        BiBertQuantization.Apply(model);
        model.Training = false;
        using var _ = Tape.NoGrad();
        BertOutput o = model.Forward(Batch());
        Assert.That(o.Queries, Has.Count.EqualTo(2));
        Assert.That(o.Keys, Has.Count.EqualTo(2));
        Assert.That(o.Values, Has.Count.EqualTo(2));
        Tensor expected = Ops.SplitHeads(model.Layers[1].Attention.Value.Forward(o.HiddenStates[1]), 2);
        Assert.That(o.Values![1].ShapeArray(), Is.EqualTo(new[] { 2, 2, 8, 8 }));
        Assert.That(o.Values[1].Data, Is.EqualTo(expected.Data), "V of layer 1 = split(value(h₁)), before sign()");
        Assert.That(o.Queries![0].Data.Any(v => MathF.Abs(v) != 1f), Is.True, "not yet binarized");
        // Bi-Attention: 0/1 weights, and the padded keys of sequence 1 are 0.
        float[] p = o.AttentionProbabilities[0].Data;
        Assert.That(p.All(v => v is 0f or 1f), Is.True);
        for (int h = 0; h < 2; h++)
        for (int i = 0; i < 8; i++)
        for (int j = 4; j < 8; j++) Assert.That(p[((1 * 2 + h) * 8 + i) * 8 + j], Is.EqualTo(0f));
    }

    [Test]
    public void AttentionDropoutActsOnTheScoresSoTheWeightsStayZeroOrOne()
    {
        BertModel model = TinyModel(4, dropout: 0.5f);
        BiBertQuantization.Apply(model);
        model.Training = true;
        BertOutput o = model.Forward(Batch());
        float[] p = o.AttentionProbabilities[0].Data, a = o.AttentionScores[0].Data;
        Assert.That(p.All(v => v is 0f or 1f), Is.True, "dropout before bool(): no 1/(1 − p) rescaling of the weights");
        int dropped = 0;
        for (int i = 0; i < p.Length; i++)
        {
            if (a[i] <= 0f) Assert.That(p[i], Is.EqualTo(0f), $"element {i}");
            int seq = i / (2 * 8 * 8), key = i % 8;
            if (a[i] > 0f && p[i] == 0f && Batch().Keep[seq * 8 + key] == 1) dropped++;
        }
        Assert.That(dropped, Is.GreaterThan(0), "some positive scores of real keys were dropped (p = 0.5, seed 4)");
        o.Logits!.Backward(Upstream(o.Logits.Length, 4));
        Assert.That(model.Layers[0].Attention.Query.Weight.Grad!.Any(v => v != 0f), Is.True, "the bool STE carries a gradient back to W_Q");
    }

    [Test]
    public void RemoveRestoresTheFloatForward()
    {
        BertModel model = TinyModel(5), reference = TinyModel(5);
        model.Training = reference.Training = false;
        using var _ = Tape.NoGrad();
        float[] fp = reference.Forward(Batch()).Logits!.Data;
        BiBertQuantization.Apply(model);
        float[] binary = model.Forward(Batch()).Logits!.Data;
        Assert.That(binary, Is.Not.EqualTo(fp));
        BiBertQuantization.Remove(model);
        Assert.That(model.Forward(Batch()).Logits!.Data, Is.EqualTo(fp));
        Assert.That(model.Layers[0].AttentionNorm.Float64, Is.False);
    }
}
