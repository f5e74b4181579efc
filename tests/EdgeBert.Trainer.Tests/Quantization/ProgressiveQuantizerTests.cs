using EdgeBert.Encoder.Quantization;
using EdgeBert.Kernels.Packing;
using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Quantization;
using static EdgeBert.Trainer.Tests.Quantization.QuantizerTestData;
using Tensor = EdgeBert.Trainer.Autograd.Tensor;

namespace EdgeBert.Trainer.Tests.Quantization;

/// <summary>
/// The quantizers progressive quantization adds: per-row uniform W8/W4 weights and the runtime's
/// A4 activations. Forward against Core and against an independent scalar formula; backward
/// against the STE definition (identity: both are piecewise constant and clip nothing).
/// </summary>
[TestFixture]
public sealed class ProgressiveQuantizerTests
{
    [Test]
    public void Uniform8IsCoreInt8RowsBitForBit([Values(1, 2, 3)] int seed, [ValueSource(typeof(QuantizerTestData), nameof(QuantizerTestData.WeightShapes))] int[] shape)
    {
        Tensor w = Random(shape, seed, 0.05f);
        Tensor q = UniformWeight.ApplyRows(w, 8);
        int rows = shape[0], columns = shape[1];
        var codes = new sbyte[w.Length];
        var scales = new float[rows];
        Int8RowQuantizer.QuantizeRows(w.Data, rows, columns, codes, columns, scales);
        for (int i = 0; i < w.Length; i++)
            Assert.That(q.Data[i], Is.EqualTo(scales[i / columns] * codes[i]), $"seed {seed} shape {string.Join('x', shape)} index {i}");
    }

    [Test]
    public void UniformRowsMatchTheScalarFormula([Values(2, 3, 4, 5, 8)] int bits, [Values(4, 5)] int seed)
    {
        Tensor w = Random([9, 21], seed, 0.1f);
        for (int c = 0; c < 21; c++) w.Data[2 * 21 + c] = 0f; // a zero row stays zero
        w.Data[5 * 21 + 3] = 3f; // an outlier coarsens only its own row
        Tensor q = UniformWeight.ApplyRows(w, bits);
        float qmax = (1 << (bits - 1)) - 1;
        Assert.That(UniformWeight.MaxCode(bits), Is.EqualTo((int)qmax));
        for (int r = 0; r < 9; r++)
        {
            float absMax = 0f;
            for (int c = 0; c < 21; c++) absMax = Math.Max(absMax, Math.Abs(w.Data[r * 21 + c]));
            var levels = new HashSet<float>();
            for (int c = 0; c < 21; c++)
            {
                int i = r * 21 + c;
                // Independent scalar replay: float multiply, round half to even, clamp, scale.
                float expected = absMax == 0f ? 0f : absMax / qmax * Math.Clamp(MathF.Round(w.Data[i] * (qmax / absMax)), -qmax, qmax);
                Assert.That(q.Data[i], Is.EqualTo(expected), $"bits {bits} seed {seed} row {r} column {c}");
                Assert.That(Math.Abs(q.Data[i] - w.Data[i]), Is.LessThanOrEqualTo(absMax / qmax / 2 * 1.0001f + 1e-7f), $"bits {bits}: error within half a step");
                levels.Add(q.Data[i]);
            }
            Assert.That(levels.Count, Is.LessThanOrEqualTo(2 * (int)qmax + 1), $"bits {bits} row {r}: at most 2·Qmax+1 levels");
        }
        Assert.That(q.Data.Skip(2 * 21).Take(21), Is.All.EqualTo(0f), "zero row");
    }

    [Test]
    public void Uniform4HasFifteenLevelsAndIdentitySte([Values(6, 7)] int seed)
    {
        Tensor w = Random([4, 200], seed);
        Tensor q = UniformWeight.ApplyRows(w, 4);
        Assert.That(q.Data.Take(200).Distinct().Count(), Is.InRange(10, 15), "a 200-wide Gaussian row uses most of the 15 4-bit levels");
        float[] g = BackwardRandom(q, seed);
        Assert.That(w.Grad, Is.EqualTo(g), $"identity STE, seed {seed}");

        Tensor w8 = Random([5, 9], seed);
        float[] g8 = BackwardRandom(UniformWeight.ApplyRows(w8, 8), seed);
        Assert.That(w8.Grad, Is.EqualTo(g8), $"identity STE at 8 bits, seed {seed}");
    }

    [Test]
    public void A4IsTheRuntimesMinMaxQuantizerPerToken([Values(8, 9)] int seed)
    {
        Tensor x = Random([2, 3, 17], seed, 2f);
        for (int c = 0; c < 17; c++) x.Data[17 + c] = MathF.Abs(x.Data[17 + c]); // an all-positive token: lo = 0
        for (int c = 0; c < 17; c++) x.Data[2 * 17 + c] = 0f; // a zero token: scale 1, zp 0
        Tensor q = ProgressiveActivation4.Apply(x);
        var codes = new byte[17];
        for (int t = 0; t < 6; t++)
        {
            ReadOnlySpan<float> row = x.Data.AsSpan(t * 17, 17);
            BitPlanePacking.Quantize(row, 4, codes, out float scale, out int zp);
            // Independent replay of docs/inference.md's A4 rule.
            double lo = Math.Min(0, row.ToArray().Min()), hi = Math.Max(0, row.ToArray().Max());
            var levels = new HashSet<float>();
            for (int c = 0; c < 17; c++)
            {
                Assert.That(q.Data[t * 17 + c], Is.EqualTo(scale * (codes[c] - zp)), $"seed {seed} token {t} column {c}");
                if (hi > lo) Assert.That(Math.Abs(q.Data[t * 17 + c] - row[c]), Is.LessThanOrEqualTo((hi - lo) / 15 * 0.5001 + 1e-6), $"token {t}: error within half a step");
                levels.Add(q.Data[t * 17 + c]);
            }
            Assert.That(levels.Count, Is.LessThanOrEqualTo(16), $"token {t}: 4-bit codes");
        }
        Assert.That(q.Data.Skip(2 * 17).Take(17), Is.All.EqualTo(0f), "zero token");

        float[] g = BackwardRandom(q, seed);
        Assert.That(x.Grad, Is.EqualTo(g), "identity STE: min-max covers every element, nothing is clipped");
    }

    [Test]
    public void BadInputFailsWithClearMessages()
    {
        var nan = new Tensor([1f, float.NaN, 2f, 3f], [2, 2], requiresGrad: true);
        Assert.That(() => UniformWeight.ApplyRows(nan, 8), Throws.ArgumentException.With.Message.Contains("finite"));
        Assert.That(() => UniformWeight.ApplyRows(nan, 4), Throws.ArgumentException.With.Message.Contains("finite"));
        Assert.That(() => UniformWeight.ApplyRows(Random([2, 2], 1), 1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => UniformWeight.ApplyRows(Random([2, 2], 1), 9), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => UniformWeight.ApplyRows(new Tensor([1f, 2f], [2]), 4), Throws.ArgumentException.With.Message.Contains("matrix"));
        Assert.That(() => ProgressiveActivation4.Apply(nan), Throws.ArgumentException.With.Message.Contains("finite"));
    }
}
