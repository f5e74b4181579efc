using EdgeBert.Encoder.Quantization;
using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Quantization;
using static EdgeBert.Trainer.Tests.Quantization.QuantizerTestData;
using Tensor = EdgeBert.Trainer.Autograd.Tensor;

namespace EdgeBert.Trainer.Tests.BinaryBert;

/// <summary>BinaryBERT's BWN weights and the runtime's A4: forward against the formulas, STE backward against its definition.</summary>
[TestFixture]
public sealed class BinaryBertQuantizerTests
{
    [Test]
    public void BwnMatrixIsMeanAbsTimesSign([Values(1, 2, 3)] int seed)
    {
        Tensor w = Random([9, 13], seed, 0.1f);
        w.Data[5] = 0f; // sign(0) = +1, the runtime's bit convention
        Tensor q = BinaryBertWeights.Bwn(w);
        double alpha = w.Data.Select(v => (double)Math.Abs(v)).Average();
        for (int i = 0; i < w.Length; i++)
        {
            Assert.That(q.Data[i], Is.EqualTo((w.Data[i] < 0 ? -alpha : alpha)).Within(1e-6 * alpha), $"seed {seed} index {i}");
        }
        Assert.That(q.Data[5], Is.GreaterThan(0f));
        // The same floats as the Core quantizer the exporter uses.
        var negative = new bool[w.Length];
        float coreAlpha = BwnQuantizer.Binarize(w.Data, negative);
        for (int i = 0; i < w.Length; i++) Assert.That(q.Data[i], Is.EqualTo(negative[i] ? -coreAlpha : coreAlpha));
    }

    [Test]
    public void BwnRowsHasOneAlphaPerRowOnTheUncentredRow([Values(4, 5)] int seed)
    {
        Tensor w = Random([6, 10], seed, 0.1f);
        for (int c = 0; c < 10; c++) w.Data[c] = 0.5f + 0.01f * c; // an all-positive row stays all +α (BiBERT's centring would flip half)
        Tensor q = BinaryBertWeights.BwnRows(w);
        for (int r = 0; r < 6; r++)
        {
            double alpha = w.Data.Skip(r * 10).Take(10).Select(v => (double)Math.Abs(v)).Average();
            for (int c = 0; c < 10; c++)
            {
                float v = w.Data[r * 10 + c];
                Assert.That(q.Data[r * 10 + c], Is.EqualTo(v < 0 ? -alpha : alpha).Within(1e-6 * alpha), $"seed {seed} row {r} column {c}");
            }
        }
    }

    [Test]
    public void BwnBackwardIsTheIdentity([Values(6, 7)] int seed)
    {
        foreach (Func<Tensor, Tensor> op in new Func<Tensor, Tensor>[] { BinaryBertWeights.Bwn, BinaryBertWeights.BwnRows })
        {
            Tensor w = Random([5, 8], seed, 3f, requiresGrad: true);
            Tensor q = op(w);
            var up = new float[q.Length];
            for (int i = 0; i < up.Length; i++) up[i] = 0.1f * (i - 20);
            q.Backward(up);
            // No clipping: even |w| > 1 passes (BinaryBERT's plain identity STE).
            Assert.That(w.Grad, Is.EqualTo(up), $"seed {seed}");
        }
    }

    [Test]
    public void BwnRejectsNonFiniteWeightsAndNonMatrices()
    {
        var w = new Tensor([1f, float.NaN, 2f, 3f], [2, 2]);
        Assert.That(() => BinaryBertWeights.Bwn(w), Throws.ArgumentException.With.Message.Contains("bwn"));
        Assert.That(() => BinaryBertWeights.BwnRows(new Tensor([1f, 2f], [2])), Throws.ArgumentException);
    }

    [Test]
    public void A4IsTheRuntimesPerTokenMinMaxWithZeroPoint([Values(8, 9, 10)] int seed)
    {
        Tensor x = Random([3, 4, 11], seed, 2f);
        for (int c = 0; c < 11; c++) x.Data[11 + c] = 0.3f * c; // a non-negative row (post-ReLU): zero point 0
        x.Data.AsSpan(22, 11).Clear();                           // a row of zeros: scale 1, zero point 0, values 0
        Tensor q = ActivationInt4.MinMax(x);
        for (int r = 0; r < 12; r++)
        {
            float[] row = x.Data.Skip(r * 11).Take(11).ToArray();
            float lo = Math.Min(row.Min(), 0f), hi = Math.Max(row.Max(), 0f);
            for (int c = 0; c < 11; c++)
            {
                float expected;
                if (hi == lo) expected = 0f;
                else
                {
                    // docs/inference.md A4: scale = (hi − lo)/15, zp = clamp(round(−lo/scale)), q = clamp(round(x/scale) + zp).
                    float scale = (hi - lo) / 15;
                    int zp = Math.Clamp((int)MathF.Round(-lo / scale), 0, 15);
                    int code = Math.Clamp((int)MathF.Round(row[c] * (1f / scale)) + zp, 0, 15);
                    expected = scale * (code - zp);
                    Assert.That(Math.Abs(q.Data[r * 11 + c] - row[c]), Is.LessThanOrEqualTo(scale * 0.5001f + 1e-6f), "within half a step");
                }
                Assert.That(q.Data[r * 11 + c], Is.EqualTo(expected), $"seed {seed} row {r} column {c}");
            }
        }
        Assert.That(q.Data.Skip(11).Take(11).All(v => v >= 0f), Is.True, "a non-negative row stays non-negative");
    }

    [Test]
    public void A4BackwardIsTheIdentityAndBadInputThrows()
    {
        Tensor x = Random([2, 7], 11, 2f, requiresGrad: true);
        Tensor q = ActivationInt4.MinMax(x);
        var up = Enumerable.Range(0, 14).Select(i => i * 0.5f - 3f).ToArray();
        q.Backward(up);
        Assert.That(x.Grad, Is.EqualTo(up));
        Assert.That(() => ActivationInt4.MinMax(new Tensor([float.PositiveInfinity, 1f], [1, 2])), Throws.ArgumentException.With.Message.Contains("a4_minmax"));
    }

    [Test]
    public void LsqStepStartsFromTheBatchAndQuantizesAsTheRuntime([Values(false, true)] bool unsignedInput)
    {
        Tensor x = Random([3, 10], 13, 1f);
        if (unsignedInput) for (int i = 0; i < x.Length; i++) x.Data[i] = MathF.Abs(x.Data[i]);
        x.Data[3] = 25f; // an outlier beyond Qp·s
        x.Data[7] = unsignedInput ? 0f : -25f;
        var step = Tensor.Zeros([1], requiresGrad: true);
        Tensor q = BinaryBertQuantization.Lsq(step, unsignedInput)(x);
        int qn = unsignedInput ? 0 : -8, qp = unsignedInput ? 15 : 7;
        double meanAbs = x.Data.Average(v => (double)Math.Abs(v));
        Assert.That(step.Data[0], Is.EqualTo(2 * meanAbs / Math.Sqrt(qp)).Within(1e-6), "LSQ init 2·mean|x|/√Qp");
        float s = step.Data[0];
        int clamped = 0;
        for (int i = 0; i < x.Length; i++)
        {
            int code = (int)MathF.Round(x.Data[i] / s);
            clamped += code < qn || code > qp ? 1 : 0;
            Assert.That(q.Data[i], Is.EqualTo(s * Math.Clamp(code, qn, qp)), $"index {i}");
        }
        Assert.That(clamped, Is.GreaterThan(0), "the test data reaches the clamp");
        step.Data[0] = 0.5f;
        Assert.That(BinaryBertQuantization.Lsq(step, unsignedInput)(x).Data[0], Is.EqualTo(0.5f * Math.Clamp(MathF.Round(x.Data[0] / 0.5f), qn, qp)), "a trained step is kept");
    }

    [Test]
    public void A4ModelsGetOneLearnedStepPerLinearAndReluFfnOutIsUnsigned()
    {
        var model = new EdgeBert.Trainer.Model.BertModel(EdgeBert.Trainer.Tests.Training.Tiny.Config() with { HiddenAct = "relu" }, new EdgeBert.Trainer.Training.TrainingRandom(3));
        BinaryBertQuantization.ApplyTernary(model, 4);
        string[] steps = [.. model.NamedParameters().Where(p => p.Name.EndsWith(".act_scale", StringComparison.Ordinal)).Select(p => p.Name)];
        Assert.That(steps, Has.Length.EqualTo(7));
        Assert.That(steps, Does.Contain("layer.0.ffn.out.act_scale").And.Contain("pooler.act_scale"));
        Assert.That(BinaryBertQuantization.HasUnsignedInput(model, model.Layers[0].Ffn.Out), Is.True);
        Assert.That(BinaryBertQuantization.HasUnsignedInput(model, model.Layers[0].Ffn.In), Is.False);
        Assert.That(EdgeBert.Trainer.Training.AdamW.DecaysWeight("layer.0.ffn.out.act_scale"), Is.False, "no weight decay on steps");
        Assert.That(() => BinaryBertQuantization.ApplyBinary(model, 2), Throws.ArgumentException.With.Message.Contains("8 or 4"));
        var a8 = new EdgeBert.Trainer.Model.BertModel(EdgeBert.Trainer.Tests.Training.Tiny.Config(), new EdgeBert.Trainer.Training.TrainingRandom(3));
        BinaryBertQuantization.ApplyBinary(a8, 8);
        Assert.That(a8.NamedParameters().Any(p => p.Name.EndsWith("act_scale", StringComparison.Ordinal)), Is.False);
        Tensor x = Random([2, 16], 14, 1f);
        Assert.That(a8.Layers[0].Attention.Query.InputTransform!(x).Data, Is.EqualTo(ActivationInt8.Symmetric(x).Data));
    }
}
