using EdgeBert.Encoder.Quantization;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Quantization;
using EdgeBert.Trainer.Tests.Training;
using EdgeBert.Trainer.Torch;
using EdgeBert.Trainer.Torch.Quantization;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Tests.BinaryBert;

/// <summary>Ternary Weight Splitting (METHODS.md §2.3): w¹ + w² = w, BWN(w¹) + BWN(w²) = TWN(w), and a split model computes what the ternary one did.</summary>
[TestFixture]
[Category("Torch")]
public sealed class TernaryWeightSplitTests
{
    /// <summary>Weight shapes: a single element, odd sizes, a row wider than 32.</summary>
    public static readonly int[][] WeightShapes = [[1, 1], [3, 5], [16, 33], [64, 48]];

    /// <summary>Seeded N(0, std²) values for a weight of <paramref name="shape"/>.</summary>
    private static float[] Random(int[] shape, int seed, float std)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, shape[0] * shape[1]).Select(_ => std * (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble())))];
    }

    private static float[] Bwn(float[] w)
    {
        var negative = new bool[w.Length];
        float alpha = BwnQuantizer.Binarize(w, negative);
        return [.. negative.Select(n => n ? -alpha : alpha)];
    }

    [Test]
    public void HalvesAddUpToTheLatentAndTheirBinariesToTheTernary([Values(1, 2, 3, 4)] int seed, [ValueSource(nameof(WeightShapes))] int[] shape)
    {
        float[] w = Random(shape, seed, 0.05f);
        if (w.Length > 4) { w[1] = 0f; w[2] = -0f; } // exact zeros go to J (sign(0) = +1)
        var w1 = new float[w.Length];
        var w2 = new float[w.Length];
        SplitCoefficients k = TernaryWeightSplit.Split(w, w1, w2);
        var codes = new sbyte[w.Length];
        float alpha = TernaryQuantizer.Ternarize(w, codes);
        float[] b1 = Bwn(w1), b2 = Bwn(w2);
        string where = $"seed {seed} shape {string.Join('x', shape)}";
        Assert.That(k.B, Is.GreaterThanOrEqualTo(0), where);
        if (codes.Any(c => c == 0) && w.Length > 1) Assert.That(k.A, Is.InRange(0.3, 0.7), $"a is close to 0.5, {where}");
        for (int i = 0; i < w.Length; i++)
        {
            // w¹ + w² = w up to the float32 rounding of each half.
            Assert.That(w1[i] + w2[i], Is.EqualTo(w[i]).Within(1e-6 * Math.Max(Math.Abs(w[i]), Math.Abs(w1[i]) + Math.Abs(w2[i]))), $"latent {i}, {where}");
            // ŵ¹ + ŵ² = ŵ: exact in real arithmetic (α¹ = α² = α/2); float32 α's leave ~1e-7·α.
            Assert.That(b1[i] + b2[i], Is.EqualTo(alpha * codes[i]).Within(2e-6 * alpha), $"binary {i}, {where}");
        }
        Assert.That(Bwn(w1)[0] == 0 || Math.Abs(Math.Abs(b1[0]) - alpha / 2) < 2e-6 * alpha, Is.True, $"α¹ = α/2, {where}");
    }

    [Test]
    public void CoefficientsFollowThePaperFormulas()
    {
        // n = 6; Δ = 0.7·mean|w| = 0.7·(4+3+0.1+0.2+0.3+2)/6 ≈ 1.12: I = {4, −3, 2}, J = {0.1, 0.3}, K = {−0.2}.
        float[] w = [4f, -3f, 0.1f, -0.2f, 0.3f, 2f];
        var w1 = new float[6];
        var w2 = new float[6];
        SplitCoefficients k = TernaryWeightSplit.Split(w, w1, w2);
        double sumI = 9, sumJ = 0.4, sumK = 0.2, sumAll = 9.6;
        double b = (6.0 / 3 * sumI - sumAll) / (2 * 3);
        double a = (sumI + sumK - sumJ) / (2 * sumI);
        Assert.That(k.B, Is.EqualTo(b).Within(1e-6));
        Assert.That(k.A, Is.EqualTo(a).Within(1e-9));
        Assert.That(w1, Is.EqualTo(new[] { (float)(a * 4), (float)(a * -3), (float)(0.1 + b), (float)b, (float)(0.3 + b), (float)(a * 2) }).Within(1e-6));
        Assert.That(w2, Is.EqualTo(new[] { (float)((1 - a) * 4), (float)((1 - a) * -3), (float)-b, (float)(-0.2 - b), (float)-b, (float)((1 - a) * 2) }).Within(1e-6));
        // α¹ = α² = α_t/2 = 1.5.
        Assert.That(w1.Average(v => Math.Abs(v)), Is.EqualTo(1.5).Within(1e-6));
        Assert.That(w2.Average(v => Math.Abs(v)), Is.EqualTo(1.5).Within(1e-6));
    }

    [Test]
    public void DegenerateGroupsSplitExactly()
    {
        var zeros = new float[5];
        var h1 = new float[5];
        var h2 = new float[5];
        TernaryWeightSplit.Split(zeros, h1, h2);
        Assert.That(h1.Concat(h2).All(v => v == 0f), Is.True, "w ≡ 0 splits into two zero halves");
        float[] all = [1f, -1f, 1f, -1f]; // every weight kept: J ∪ K empty, b = 0, a = 1/2
        SplitCoefficients k = TernaryWeightSplit.Split(all, h1.AsSpan(0, 4), h2.AsSpan(0, 4));
        Assert.That(k, Is.EqualTo(new SplitCoefficients(0.5, 0)));
        Assert.That(() => TernaryWeightSplit.Split([1f, float.NaN], new float[2], new float[2]), Throws.ArgumentException);
        Assert.That(() => TernaryWeightSplit.Split([1f, 2f], new float[1], new float[2]), Throws.ArgumentException.With.Message.Contains("halves"));
        Assert.That(() => TernaryWeightSplit.SplitRows([1f, 2f, 3f], 2, 2, new float[3], new float[3]), Throws.ArgumentException);
    }

    [Test]
    public void RowsUseTheirOwnStatistics([Values(5, 6)] int seed)
    {
        float[] w = Random([4, 12], seed, 0.1f);
        for (int c = 0; c < 12; c++) w[12 + c] *= 50f; // one row at a very different scale
        var w1 = new float[w.Length];
        var w2 = new float[w.Length];
        TernaryWeightSplit.SplitRows(w, 4, 12, w1, w2);
        var codes = new sbyte[w.Length];
        var alpha = new float[4];
        TernaryQuantizer.TernarizeRows(w, 4, 12, codes, alpha);
        for (int r = 0; r < 4; r++)
        {
            float[] b1 = Bwn(w1[(r * 12)..((r + 1) * 12)]), b2 = Bwn(w2[(r * 12)..((r + 1) * 12)]);
            for (int c = 0; c < 12; c++)
            {
                Assert.That(b1[c] + b2[c], Is.EqualTo(alpha[r] * codes[r * 12 + c]).Within(2e-6 * alpha[r]), $"seed {seed} row {r} column {c}");
            }
        }
    }

    [Test]
    public void SplitBinaryModelComputesWhatTheTernaryModelDid([Values(8, 4)] int activationBits)
    {
        BertConfig config = Tiny.Config() with { Layers = 2, Heads = 1, HeadSize = 8 };
        random.manual_seed(21);
        using var model = new TorchBertModel(config);
        model.eval();
        BertBatch batch = BertBatch.Collate(Tiny.Encoded(config), 0);
        TorchStudentQuantization.BinaryBertTernary(model, activationBits);
        (float[] ternaryLogits, float[] ternaryHidden) = Forward(model, batch);
        TernaryWeightSplit.Apply(model, activationBits);
        string[] names = [.. TorchStudentExport.TrainedParameters(model).Select(p => p.Name)];
        Assert.That(names.Count(n => n.EndsWith("weight_split", StringComparison.Ordinal)), Is.EqualTo(2 * 6 + 1));
        Assert.That(names, Does.Contain("embeddings.word.split"));
        Assert.That(names.Count(n => n.EndsWith("act_scale", StringComparison.Ordinal)), Is.EqualTo(activationBits == 4 ? 13 : 0), "the ternary model's LSQ steps are kept");
        (float[] logits, float[] hidden) = Forward(model, batch);
        // Equal up to float rounding: α¹ + α² vs α_t, and two products summed vs one.
        // 1e-4 leaves room for an activation code that a rounding-level difference moves by one step.
        Assert.That(logits, Is.EqualTo(ternaryLogits).Within(1e-4), $"A{activationBits}");
        double worst = hidden.Zip(ternaryHidden, (x, y) => Math.Abs(x - y)).Max();
        TestContext.Out.WriteLine($"A{activationBits}: max |hidden difference| {worst}");
        Assert.That(worst, Is.LessThan(1e-4), $"A{activationBits}");
        Assert.That(() => TernaryWeightSplit.Apply(model, activationBits), Throws.InvalidOperationException);
    }

    private static (float[] Logits, float[] Hidden) Forward(TorchBertModel model, BertBatch batch)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        TorchBertOutput o = model.Forward(batch);
        return (TorchTensors.ToFloats(o.Logits!), TorchTensors.ToFloats(o.Hidden));
    }
}
