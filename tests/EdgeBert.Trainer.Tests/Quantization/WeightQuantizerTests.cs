using System.Numerics.Tensors;
using EdgeBert.Encoder.Quantization;
using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Quantization;
using static EdgeBert.Trainer.Tests.Quantization.QuantizerTestData;
using Tensor = EdgeBert.Trainer.Autograd.Tensor;

namespace EdgeBert.Trainer.Tests.Quantization;

/// <summary>TWN, LAT and binary weight quantizers: forward against Core / the formula, STE backward against its definition.</summary>
[TestFixture]
public sealed class WeightQuantizerTests
{
    [Test]
    public void TwnForwardIsCoreTernaryQuantizerBitForBit([Values(1, 2, 3)] int seed, [ValueSource(typeof(QuantizerTestData), nameof(QuantizerTestData.WeightShapes))] int[] shape)
    {
        Tensor w = Random(shape, seed, 0.05f);
        Tensor q = TernaryWeight.Apply(w);
        var codes = new sbyte[w.Length];
        float alpha = TernaryQuantizer.Ternarize(w.Data, codes);
        // And against the TWN formula itself: Δ = 0.7·mean|w|, α = mean|w| over the kept weights.
        float delta = 0.7f * (TensorPrimitives.SumOfMagnitudes<float>(w.Data) / w.Length);
        var kept = w.Data.Where(v => MathF.Abs(v) > delta).ToArray();
        Assert.That(alpha, Is.EqualTo(kept.Length == 0 ? 0f : kept.Select(v => (double)MathF.Abs(v)).Average()).Within(1e-6 * Math.Max(alpha, 1e-6f)), $"seed {seed} shape {string.Join('x', shape)}");
        for (int i = 0; i < w.Length; i++)
        {
            float expected = MathF.Abs(w.Data[i]) > delta ? alpha * MathF.Sign(w.Data[i]) : 0f;
            Assert.That(q.Data[i], Is.EqualTo(alpha * codes[i]), $"core, seed {seed} shape {string.Join('x', shape)} index {i}");
            Assert.That(q.Data[i], Is.EqualTo(expected), $"formula, seed {seed} shape {string.Join('x', shape)} index {i}");
        }
    }

    [Test]
    public void TwnRowsIsCoreRowWiseTernarization([Values(4, 5)] int seed)
    {
        Tensor w = Random([7, 20], seed, 0.05f);
        Tensor q = TernaryWeight.ApplyRows(w);
        var codes = new sbyte[w.Length];
        var alpha = new float[7];
        TernaryQuantizer.TernarizeRows(w.Data, 7, 20, codes, alpha);
        for (int i = 0; i < w.Length; i++) Assert.That(q.Data[i], Is.EqualTo(alpha[i / 20] * codes[i]), $"seed {seed} index {i}");
        Assert.That(alpha.Distinct().Count(), Is.GreaterThan(1), "rows should get their own alpha");
    }

    [Test]
    public void TwnAndLatBackwardAreIdentity([Values(6, 7)] int seed)
    {
        foreach (Func<Tensor, Tensor> op in new Func<Tensor, Tensor>[] { TernaryWeight.Apply, TernaryWeight.ApplyRows, w => LossAwareTernaryWeight.Apply(w), BinaryWeight.Apply })
        {
            Tensor w = Random([5, 9], seed);
            float[] g = BackwardRandom(op(w), seed);
            Assert.That(w.Grad, Is.EqualTo(g), $"seed {seed}");
        }
    }

    [Test]
    public void LatAlternatesAlphaAndThreshold([Values(8, 9)] int seed)
    {
        Tensor w = Random([12, 10], seed, 0.1f);
        var rng = new Random(seed);
        float[] d = Enumerable.Range(0, w.Length).Select(_ => 0.5f + (float)rng.NextDouble()).ToArray();
        foreach (float[]? curvature in new[] { null, d })
        {
            Tensor q = LossAwareTernaryWeight.Apply(w, curvature, iterations: 3);
            // Independent float64 replay of three alternations from b = sign(w).
            double alpha = 0;
            var b = w.Data.Select(v => v < 0 ? -1 : 1).ToArray();
            for (int it = 0; it < 3; it++)
            {
                double num = 0, den = 0;
                for (int i = 0; i < b.Length; i++)
                {
                    double di = curvature?[i] ?? 1.0;
                    num += Math.Abs(di * w.Data[i] * b[i]);
                    den += Math.Abs(di * b[i]);
                }
                alpha = num / den;
                for (int i = 0; i < b.Length; i++) b[i] = Math.Abs(w.Data[i]) > (float)alpha / 2f ? Math.Sign(w.Data[i]) : 0;
            }
            for (int i = 0; i < w.Length; i++)
                Assert.That(q.Data[i], Is.EqualTo((float)alpha * b[i]).Within(1e-6), $"seed {seed} d={(curvature is null ? "1" : "random")} index {i}");
            Assert.That(q.Data.Count(v => v == 0f), Is.GreaterThan(0), "the threshold α/2 should zero some weights");
        }
    }

    [Test]
    public void LatCurvatureIsBiasCorrectedAdamDenominator()
    {
        float[] v = [0f, 1e-4f, 4e-2f];
        float[] d = LossAwareTernaryWeight.CurvatureFromAdam(v, step: 10, beta2: 0.999f, epsilon: 1e-6f);
        double correction = 1 - Math.Pow((double)0.999f, 10); // β₂ as the float the API takes
        for (int i = 0; i < v.Length; i++) Assert.That(d[i], Is.EqualTo(Math.Sqrt(v[i] / correction) + 1e-6).Within(1e-6 * d[i]), $"index {i}");
        Assert.That(d, Has.All.GreaterThan(0f), "d must be positive for LAT");
        Assert.That(() => LossAwareTernaryWeight.CurvatureFromAdam(v, 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void BwnIsMeanAbsTimesSign([Values(10, 11)] int seed)
    {
        Tensor w = Random([6, 11], seed);
        w.Data[3] = 0f;
        Tensor q = BinaryWeight.Apply(w);
        float alpha = TensorPrimitives.SumOfMagnitudes<float>(w.Data) / w.Length;
        for (int i = 0; i < w.Length; i++) Assert.That(q.Data[i], Is.EqualTo(w.Data[i] < 0f ? -alpha : alpha), $"seed {seed} index {i}");
        Assert.That(q.Data[3], Is.EqualTo(alpha), "sign(0) is +1");
    }

    [Test]
    public void BiBertCentredRowsIsCoreBinaryQuantizerWithHardTanhSte([Values(12, 13)] int seed)
    {
        // Std 1 puts a good share of centred weights outside the |·| < 1 window.
        Tensor w = Random([8, 16], seed, 1f);
        for (int c = 0; c < 16; c++) w.Data[c] += 0.7f; // an off-centre row: the centring must matter
        Tensor q = BinaryWeight.ApplyCentredRows(w);
        var negative = new bool[w.Length];
        var alpha = new float[8];
        BinaryQuantizer.BinarizeRows(w.Data, 8, 16, negative, alpha);
        for (int i = 0; i < w.Length; i++) Assert.That(q.Data[i], Is.EqualTo(negative[i] ? -alpha[i / 16] : alpha[i / 16]), $"seed {seed} index {i}");

        float[] g = BackwardRandom(q, seed);
        int blocked = 0;
        for (int r = 0; r < 8; r++)
        {
            double mean = w.Data.Skip(r * 16).Take(16).Select(v => (double)v).Average();
            for (int c = 0; c < 16; c++)
            {
                int i = r * 16 + c;
                bool inside = Math.Abs(w.Data[i] - mean) < 1.0;
                if (!inside) blocked++;
                Assert.That(w.Grad![i], Is.EqualTo(inside ? g[i] : 0f), $"seed {seed} row {r} column {c} centred {w.Data[i] - mean}");
            }
        }
        Assert.That(blocked, Is.GreaterThan(0), "some centred weights should fall outside the STE window");
    }

    [Test]
    public void BadWeightsFailWithClearMessages()
    {
        var nan = new Tensor([1f, float.NaN, 2f, 3f], [2, 2], requiresGrad: true);
        Assert.That(() => TernaryWeight.Apply(nan), Throws.ArgumentException.With.Message.Contains("finite"));
        Assert.That(() => LossAwareTernaryWeight.Apply(nan), Throws.ArgumentException.With.Message.Contains("finite"));
        Assert.That(() => BinaryWeight.Apply(nan), Throws.ArgumentException.With.Message.Contains("finite"));
        Assert.That(() => BinaryWeight.ApplyCentredRows(nan), Throws.ArgumentException.With.Message.Contains("finite"));
        Assert.That(() => TernaryWeight.ApplyRows(new Tensor([1f, 2f], [2])), Throws.ArgumentException.With.Message.Contains("matrix"));
        Assert.That(() => LossAwareTernaryWeight.Apply(Random([2, 2], 1), [1f, 0f, 1f, 1f]), Throws.ArgumentException.With.Message.Contains("positive"));
        Assert.That(() => LossAwareTernaryWeight.Apply(Random([2, 2], 1), [1f]), Throws.ArgumentException.With.Message.Contains("curvature"));
    }
}
