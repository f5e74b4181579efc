using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Distillation;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Tests.Autograd;

namespace EdgeBert.Trainer.Tests.Distillation;

/// <summary>BiBERT's losses: the normalised distance, Direction-Matching Distillation and the full objective.</summary>
[TestFixture]
public sealed class DirectionMatchingLossTests
{
    private static Tensor Random(int[] shape, int seed, bool grad = true) => Tensor.RandomNormal(shape, new Random(seed), 0f, 1f, grad);

    /// <summary>‖S/‖S‖ − T/‖T‖‖ computed directly in double.</summary>
    private static double Reference(float[] s, float[] t)
    {
        double ns = Math.Sqrt(s.Sum(v => (double)v * v)), nt = Math.Sqrt(t.Sum(v => (double)v * v));
        double sq = 0;
        for (int i = 0; i < s.Length; i++)
        {
            double d = s[i] / ns - t[i] / nt;
            sq += d * d;
        }
        return Math.Sqrt(sq);
    }

    [Test]
    public void NormalizedDistanceIsTheNormOfTheDifferenceOfDirections([Values(1, 2, 3)] int seed)
    {
        Tensor s = Random([3, 4, 5], seed), t = Random([3, 4, 5], seed + 10);
        Tensor d = NormalizedDistance.Apply(s, t);
        Assert.That(d.Length, Is.EqualTo(1));
        Assert.That(d.Data[0], Is.EqualTo(Reference(s.Data, t.Data)).Within(1e-6), $"seed {seed}");
        // Direction only: positive rescaling of either side changes nothing; identical directions give 0, opposite 2.
        Assert.That(NormalizedDistance.Apply(Ops.Scale(s, 7f), Ops.Scale(t, 0.01f)).Data[0], Is.EqualTo(d.Data[0]).Within(1e-6));
        Assert.That(NormalizedDistance.Apply(s, Ops.Scale(s, 3f)).Data[0], Is.EqualTo(0f).Within(1e-6));
        Assert.That(NormalizedDistance.Apply(s, Ops.Scale(s, -3f)).Data[0], Is.EqualTo(2f).Within(1e-6));
    }

    [Test]
    public void NormalizedDistanceGradientMatchesFiniteDifferences([Values(1, 2, 3)] int seed)
    {
        GradCheck.Check("normalized_distance", seed, x => NormalizedDistance.Apply(x[0], x[1]), [Random([2, 3, 4], seed), Random([2, 3, 4], seed + 5)], eps: 1e-3f);
    }

    [Test]
    public void NormalizedDistanceAtAZeroTensorOrEqualDirectionsHasZeroGradient()
    {
        Tensor zero = Tensor.Zeros([2, 3], requiresGrad: true), t = Random([2, 3], 4);
        Tensor d = NormalizedDistance.Apply(zero, t);
        Assert.That(d.Data[0], Is.EqualTo(1f).Within(1e-6), "a zero tensor has no direction: D = ‖T̂‖ = 1");
        d.Backward();
        Assert.That(zero.Grad ?? new float[6], Is.All.EqualTo(0f));

        Tensor s = Random([2, 3], 5);
        Tensor same = NormalizedDistance.Apply(s, new Tensor(s.Data.Select(v => 2 * v).ToArray(), [2, 3]));
        same.Backward();
        Assert.That(s.Grad ?? new float[6], Is.All.EqualTo(0f), "D = 0 is the minimum; its gradient is taken as 0");
    }

    [Test]
    public void NormalizedDistanceRejectsBadInput()
    {
        Assert.That(() => NormalizedDistance.Apply(Random([2, 3], 1), Random([3, 2], 2)), Throws.ArgumentException.With.Message.Contains("differ in shape"));
        Assert.That(() => NormalizedDistance.Apply(Tensor.Zeros([0]), Tensor.Zeros([0])), Throws.ArgumentException.With.Message.Contains("empty"));
        Tensor nan = Random([2, 2], 3);
        nan.Data[1] = float.NaN;
        Assert.That(() => NormalizedDistance.Apply(nan, Random([2, 2], 4)), Throws.ArgumentException.With.Message.Contains("finite"));
    }

    private static BertBatch Batch(int size, int length, int[] keep, int[] labels) =>
        new(size, length, new int[size * length], new int[size * length], keep, labels);

    [Test]
    public void DirectionMatchingIsTheNormalizedDistanceOfScaledGramMatrices([Values(1, 2)] int seed)
    {
        // B = 2, heads = 2, L = 3, d = 4; no padding.
        Tensor fs = Random([2, 2, 3, 4], seed), ft = Random([2, 2, 3, 4], seed + 1);
        BertBatch batch = Batch(2, 3, [1, 1, 1, 1, 1, 1], [0, 1]);
        Tensor loss = DirectionMatchingLoss.Matching([fs], [ft], batch);

        static float[] Gram(Tensor f)
        {
            var p = new float[2 * 2 * 3 * 3];
            for (int bh = 0; bh < 4; bh++)
            for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
            {
                double dot = 0;
                for (int k = 0; k < 4; k++) dot += (double)f.Data[(bh * 3 + i) * 4 + k] * f.Data[(bh * 3 + j) * 4 + k];
                p[(bh * 3 + i) * 3 + j] = (float)(dot / 2.0); // √d = 2
            }
            return p;
        }
        Assert.That(loss.Data[0], Is.EqualTo(Reference(Gram(fs), Gram(ft))).Within(1e-5), $"seed {seed}");
        // Summed over layers, not averaged.
        Tensor two = DirectionMatchingLoss.Matching([fs, fs], [ft, ft], batch);
        Assert.That(two.Data[0], Is.EqualTo(2 * loss.Data[0]).Within(1e-5));
    }

    [Test]
    public void DirectionMatchingGradientMatchesFiniteDifferences([Values(1, 2)] int seed)
    {
        BertBatch batch = Batch(2, 3, [1, 1, 0, 1, 1, 1], [0, 1]);
        Tensor teacher = Random([2, 2, 3, 4], seed + 7, grad: false);
        GradCheck.Check("dmd", seed, x => DirectionMatchingLoss.Matching([x[0]], [teacher], batch), [Random([2, 2, 3, 4], seed)], eps: 1e-3f);
    }

    [Test]
    public void PaddingContributesNothingToDirectionMatching()
    {
        // The same two sequences (lengths 2 and 3) at batch length 3 and at batch length 5 with garbage in the padding.
        Tensor shortS = Random([2, 2, 3, 4], 1), shortT = Random([2, 2, 3, 4], 2);
        int[] keepShort = [1, 1, 0, 1, 1, 1];
        Tensor Pad(Tensor f, int seed)
        {
            var rng = new Random(seed);
            var data = new float[2 * 2 * 5 * 4];
            for (int i = 0; i < data.Length; i++) data[i] = (float)(rng.NextDouble() * 10 - 5);
            for (int bh = 0; bh < 4; bh++)
            for (int i = 0; i < 3; i++)
            for (int k = 0; k < 4; k++)
            {
                bool real = keepShort[(bh / 2) * 3 + i] == 1;
                if (real) data[(bh * 5 + i) * 4 + k] = f.Data[(bh * 3 + i) * 4 + k];
            }
            return new Tensor(data, [2, 2, 5, 4]);
        }
        float reference = DirectionMatchingLoss.Matching([shortS], [shortT], Batch(2, 3, keepShort, [0, 1])).Data[0];
        float padded = DirectionMatchingLoss.Matching([Pad(shortS, 3)], [Pad(shortT, 4)], Batch(2, 5, [1, 1, 0, 0, 0, 1, 1, 1, 0, 0], [0, 1])).Data[0];
        Assert.That(padded, Is.EqualTo(reference).Within(1e-6));
    }

    [Test]
    public void DirectionMatchingRejectsMissingOrMismatchedProjections()
    {
        BertBatch batch = Batch(1, 2, [1, 1], [0]);
        Tensor f = Random([1, 1, 2, 2], 1);
        Assert.That(() => DirectionMatchingLoss.Matching(null, [f], batch, "Q"), Throws.ArgumentException.With.Message.Contains("Q projections were not recorded by the student"));
        Assert.That(() => DirectionMatchingLoss.Matching([f], [f, f], batch), Throws.ArgumentException.With.Message.Contains("1 student and 2 teacher"));
        Assert.That(() => DirectionMatchingLoss.Matching([f], [Random([1, 1, 2, 3], 2)], batch), Throws.ArgumentException.With.Message.Contains("[B, heads, L, d]"));
    }

    private static BertOutput Output(int seed, int layers, Tensor? logits = null)
    {
        var rng = new Random(seed);
        Tensor R(params int[] shape) => Tensor.RandomNormal(shape, rng, 0f, 1f, requiresGrad: true);
        var hidden = Enumerable.Range(0, layers + 1).Select(_ => R(2, 3, 4)).ToList();
        var scores = Enumerable.Range(0, layers).Select(_ => R(2, 2, 3, 3)).ToList();
        return new BertOutput(hidden[^1], hidden, scores, scores, R(2, 4), logits ?? R(2, 3),
            Enumerable.Range(0, layers).Select(_ => R(2, 2, 3, 2)).ToList(),
            Enumerable.Range(0, layers).Select(_ => R(2, 2, 3, 2)).ToList(),
            Enumerable.Range(0, layers).Select(_ => R(2, 2, 3, 2)).ToList());
    }

    [Test]
    public void TheObjectiveIsPredictionPlusHiddenPlusQkvMatching()
    {
        BertOutput s = Output(1, 2), t = Output(2, 2);
        BertBatch batch = Batch(2, 3, [1, 1, 1, 1, 1, 0], [2, 0]);
        DirectionMatchingParts parts = DirectionMatchingLoss.Parts(s, t, batch);

        // Prediction: (−p·log q) averaged over all 2×3 elements + 0.5 × CE(labels), in double.
        double soft = 0, ce = 0;
        for (int b = 0; b < 2; b++)
        {
            double[] zs = [.. s.Logits!.Data.Skip(3 * b).Take(3).Select(v => (double)v)], zt = [.. t.Logits!.Data.Skip(3 * b).Take(3).Select(v => (double)v)];
            double lse = Math.Log(zs.Sum(Math.Exp)), tl = Math.Log(zt.Sum(Math.Exp));
            for (int c = 0; c < 3; c++) soft -= Math.Exp(zt[c] - tl) * (zs[c] - lse);
            ce -= zs[batch.Labels[b]] - lse;
        }
        Assert.That(parts.Prediction.Data[0], Is.EqualTo(soft / 6 + 0.5 * ce / 2).Within(1e-5));

        // Hidden: the normalised distance of every state, padding rows zeroed on both sides.
        double hidden = 0;
        for (int l = 0; l < 3; l++)
        {
            float[] hs = (float[])s.HiddenStates[l].Data.Clone(), ht = (float[])t.HiddenStates[l].Data.Clone();
            Array.Clear(hs, 5 * 4, 4);
            Array.Clear(ht, 5 * 4, 4);
            hidden += Reference(hs, ht);
        }
        Assert.That(parts.Hidden.Data[0], Is.EqualTo(hidden).Within(1e-5));
        Assert.That(parts.Query.Data[0], Is.EqualTo(DirectionMatchingLoss.Matching(s.Queries, t.Queries, batch).Data[0]).Within(1e-6));
        Assert.That(parts.Key.Data[0], Is.EqualTo(DirectionMatchingLoss.Matching(s.Keys, t.Keys, batch).Data[0]).Within(1e-6));
        Assert.That(parts.Value.Data[0], Is.EqualTo(DirectionMatchingLoss.Matching(s.Values, t.Values, batch).Data[0]).Within(1e-6));
        Assert.That(parts.Total.Data[0], Is.EqualTo(parts.Prediction.Data[0] + parts.Hidden.Data[0] + parts.Query.Data[0] + parts.Key.Data[0] + parts.Value.Data[0]).Within(1e-5));
        Assert.That(DirectionMatchingLoss.Compute(s, t, batch).Data[0], Is.EqualTo(parts.Total.Data[0]));
    }

    [Test]
    public void TheObjectiveGradientMatchesFiniteDifferencesInTheStudentLogitsAndStates()
    {
        BertOutput t = Output(2, 1);
        BertBatch batch = Batch(2, 3, [1, 1, 1, 1, 0, 0], [1, 0]);
        BertOutput s0 = Output(1, 1);
        GradCheck.Check("bibert objective", 3, x =>
        {
            var s = s0 with { Logits = x[0], HiddenStates = [x[1], s0.HiddenStates[1]], Queries = [x[2]] };
            return DirectionMatchingLoss.Compute(s, t, batch);
        }, [s0.Logits!, s0.HiddenStates[0], s0.Queries![0]], eps: 1e-2f);
    }

    [Test]
    public void TheObjectiveRejectsMismatchedModels()
    {
        BertBatch batch = Batch(2, 3, [1, 1, 1, 1, 1, 1], [0, 1]);
        Assert.That(() => DirectionMatchingLoss.Compute(Output(1, 1), Output(2, 2), batch), Throws.ArgumentException.With.Message.Contains("must match"));
        Assert.That(() => DirectionMatchingLoss.Compute(Output(1, 1) with { Logits = null }, Output(2, 1), batch), Throws.ArgumentException.With.Message.Contains("no classifier"));
        Assert.That(() => DirectionMatchingLoss.Compute(Output(1, 1) with { Queries = null }, Output(2, 1), batch), Throws.ArgumentException.With.Message.Contains("not recorded"));
    }
}
