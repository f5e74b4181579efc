using EdgeBert.Trainer.Autograd;

namespace EdgeBert.Trainer.Tests.Autograd;

/// <summary>Forward values against float64 formulas computed here.</summary>
[TestFixture]
public sealed class OpForwardTests
{
    [Test]
    public void GeluMatchesErfFormAtKnownPoints()
    {
        // Reference values of x·Φ(x) from the exact formula (PyTorch's default GELU).
        float[] x = [-3f, -1f, -0.5f, 0f, 0.5f, 1f, 2.5f, 6f];
        double[] expected = [-0.0040496, -0.15865525, -0.15426877, 0, 0.34573123, 0.84134475, 2.48447593, 6.0];
        Tensor y = Ops.Gelu(new Tensor(x, [x.Length]));
        for (int i = 0; i < x.Length; i++) Assert.That(y.Data[i], Is.EqualTo(expected[i]).Within(2e-6), $"Gelu x={x[i]}");
    }

    [Test]
    public void SoftmaxRowsSumToOneAndMaskedEntriesVanish()
    {
        var x = new Tensor([1f, 2f, 3f, 4f, 1000f, -1000f], [2, 3]);
        var mask = new Tensor([0f, 0f, float.NegativeInfinity], [1, 3]);
        Tensor y = Ops.Softmax(x, mask);
        double e1 = Math.Exp(1), e2 = Math.Exp(2);
        Assert.That(y.Data[0], Is.EqualTo(e1 / (e1 + e2)).Within(1e-6));
        Assert.That(y.Data[2], Is.EqualTo(0f));
        Assert.That(y.Data[3], Is.EqualTo(0f).Within(1e-6));
        Assert.That(y.Data[4], Is.EqualTo(1f).Within(1e-6));
        Tensor allMasked = Ops.Softmax(new Tensor([1f, 2f], [1, 2]), new Tensor([float.NegativeInfinity, float.NegativeInfinity], [1, 2]));
        Assert.That(allMasked.Data, Is.EqualTo(new[] { 0f, 0f }));
    }

    [Test]
    public void LayerNormNormalisesEachRow()
    {
        var x = new Tensor([1f, 2f, 3f, 4f, 10f, 10f, 10f, 10f], [2, 4]);
        var gamma = new Tensor([1f, 2f, 1f, 1f], [4]);
        var beta = new Tensor([0f, 0f, 0f, 0.5f], [4]);
        Tensor y = Ops.LayerNorm(x, gamma, beta, 1e-5f);
        double std = Math.Sqrt(1.25 + 1e-5);
        double[] expected = [-1.5 / std, 2 * -0.5 / std, 0.5 / std, 1.5 / std + 0.5, 0, 0, 0, 0.5];
        for (int i = 0; i < 8; i++) Assert.That(y.Data[i], Is.EqualTo(expected[i]).Within(1e-5), $"LayerNorm element {i}");
    }

    [Test]
    public void LossesMatchTheirDefinitions()
    {
        var logits = new Tensor([2f, 0f, -1f, 0.5f, 0.5f, 3f], [2, 3]);
        double lse0 = Math.Log(Math.Exp(2) + Math.Exp(0) + Math.Exp(-1));
        double lse1 = Math.Log(2 * Math.Exp(0.5) + Math.Exp(3));
        Assert.That(Ops.CrossEntropy(logits, [0, 2]).Item(), Is.EqualTo(((lse0 - 2) + (lse1 - 3)) / 2).Within(1e-6));
        Assert.That(Ops.CrossEntropy(logits, [1, Ops.IgnoreIndex]).Item(), Is.EqualTo(lse0).Within(1e-6));
        Assert.That(Ops.CrossEntropy(logits, [Ops.IgnoreIndex, Ops.IgnoreIndex]).Item(), Is.EqualTo(0f));

        var p = new Tensor([0.5f, 0.5f, 0f, 0.2f, 0.2f, 0.6f], [2, 3]);
        double soft = (0.5 * (lse0 - 2) + 0.5 * (lse0 - 0) + 0.2 * (lse1 - 0.5) * 2 + 0.6 * (lse1 - 3)) / 2;
        Assert.That(Ops.SoftCrossEntropy(logits, p).Item(), Is.EqualTo(soft).Within(1e-6));

        var a = new Tensor([1f, 2f, 3f, 4f], [2, 2]);
        var b = new Tensor([1.5f, 2f, 1f, 4f], [2, 2]);
        Assert.That(Ops.Mse(a, b).Item(), Is.EqualTo((0.25 + 4) / 4).Within(1e-7));
        Assert.That(Ops.FrobeniusNorm(a).Item(), Is.EqualTo(Math.Sqrt(30)).Within(1e-6));
        Assert.That(Ops.Sum(a).Item(), Is.EqualTo(10f));
        Assert.That(Ops.Mean(a).Item(), Is.EqualTo(2.5f));
    }

    [Test]
    public void EmbeddingGathersRows()
    {
        var table = new Tensor([0f, 1f, 10f, 11f, 20f, 21f], [3, 2]);
        Tensor y = Ops.Embedding(table, [2, 0, 2], [1, 3]);
        Assert.That(y.ShapeArray(), Is.EqualTo(new[] { 1, 3, 2 }));
        Assert.That(y.Data, Is.EqualTo(new[] { 20f, 21f, 0f, 1f, 20f, 21f }));
    }

    [Test]
    public void PermuteAndHeadsRoundTrip()
    {
        var x = Tensor.RandomUniform([2, 3, 8], new Random(3));
        Tensor heads = Ops.SplitHeads(x, 4);
        Assert.That(heads.ShapeArray(), Is.EqualTo(new[] { 2, 4, 3, 2 }));
        // heads[b, h, l, j] = x[b, l, h·2 + j].
        Assert.That(heads.Data[((1 * 4 + 3) * 3 + 2) * 2 + 1], Is.EqualTo(x.Data[(1 * 3 + 2) * 8 + 3 * 2 + 1]));
        Assert.That(Ops.MergeHeads(heads).Data, Is.EqualTo(x.Data));
        Tensor t = Ops.Transpose(new Tensor([1f, 2f, 3f, 4f, 5f, 6f], [2, 3]), 0, 1);
        Assert.That(t.Data, Is.EqualTo(new[] { 1f, 4f, 2f, 5f, 3f, 6f }));
    }

    [Test]
    public void DropoutIsSeededScaledAndOffWhenNotTraining()
    {
        Tensor x = Tensor.Full([1000], 1f);
        Tensor a = Ops.Dropout(x, 0.25f, new Random(9));
        Tensor b = Ops.Dropout(x, 0.25f, new Random(9));
        Assert.That(a.Data, Is.EqualTo(b.Data), "Dropout seed 9: same seed, same mask");
        Assert.That(a.Data.Distinct().Order(), Is.EqualTo(new[] { 0f, 1f / 0.75f }));
        int dropped = a.Data.Count(v => v == 0f);
        Assert.That(dropped, Is.InRange(180, 320), "Dropout p=0.25 seed 9 over 1000 values");
        Assert.That(Ops.Dropout(x, 0.25f, new Random(9), training: false), Is.SameAs(x));
    }

    [Test]
    public void LinearComputesXWTransposedPlusBias()
    {
        var x = new Tensor([1f, 2f, 3f, 4f], [2, 2]);
        var w = new Tensor([1f, 0f, 1f, 1f, 0f, -1f], [3, 2]);
        var b = new Tensor([0.5f, 0f, 1f], [3]);
        Assert.That(Ops.Linear(x, w, b).Data, Is.EqualTo(new[] { 1.5f, 3f, -1f, 3.5f, 7f, -3f }));
    }
}
