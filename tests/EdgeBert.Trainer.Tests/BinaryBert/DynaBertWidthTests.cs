using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Nn;
using EdgeBert.Trainer.Quantization;
using EdgeBert.Trainer.Tests.Training;
using EdgeBert.Trainer.Training;

namespace EdgeBert.Trainer.Tests.BinaryBert;

/// <summary>DynaBERT width reduction: importance is |∂L/∂mask| (checked by finite differences), and pruning keeps exactly the kept units' function.</summary>
[TestFixture]
public sealed class DynaBertWidthTests
{
    private static BertConfig Config() => Tiny.Config() with { Layers = 2, Heads = 4, Hidden = 16, Ffn = 12 };

    private static BertModel Model(int seed) => new(Config(), new TrainingRandom((ulong)seed));

    /// <summary>Cross-entropy of the whole tiny set with head/neuron masks multiplied into the output linears' inputs.</summary>
    private static double MaskedLoss(BertModel model, BertBatch batch, float[][] headMask, float[][] neuronMask)
    {
        int d = model.Layers[0].Attention.HeadSize;
        for (int l = 0; l < model.Layers.Count; l++)
        {
            float[] hm = headMask[l], nm = neuronMask[l];
            model.Layers[l].Attention.Output.InputTransform = x => Ops.Mul(x, new Tensor([.. Enumerable.Range(0, hm.Length * d).Select(i => hm[i / d])], [hm.Length * d]));
            model.Layers[l].Ffn.Out.InputTransform = x => Ops.Mul(x, new Tensor((float[])nm.Clone(), [nm.Length]));
        }
        try
        {
            using var _ = Tape.NoGrad();
            return Ops.CrossEntropy(model.Forward(batch).Logits!, batch.Labels).Item();
        }
        finally
        {
            foreach (BertLayer layer in model.Layers) layer.Attention.Output.InputTransform = layer.Ffn.Out.InputTransform = null;
        }
    }

    /// <summary>The loss with neuron <paramref name="n"/>'s pre-activation of layer <paramref name="l"/> scaled by <paramref name="m"/>.</summary>
    private static double PreMaskedLoss(BertModel model, BertBatch batch, int l, int n, float m)
    {
        Linear ffnIn = model.Layers[l].Ffn.In;
        int k = ffnIn.Weight.Dim(1);
        float[] row = ffnIn.Weight.Data.AsSpan(n * k, k).ToArray();
        float bias = ffnIn.Bias!.Data[n];
        for (int c = 0; c < k; c++) ffnIn.Weight.Data[n * k + c] = row[c] * m;
        ffnIn.Bias.Data[n] = bias * m;
        try
        {
            return MaskedLoss(model, batch, Ones(2, 4), Ones(2, 12));
        }
        finally
        {
            row.CopyTo(ffnIn.Weight.Data, n * k);
            ffnIn.Bias.Data[n] = bias;
        }
    }

    private static float[][] Ones(int layers, int n) => [.. Enumerable.Range(0, layers).Select(_ => Enumerable.Repeat(1f, n).ToArray())];

    [Test]
    public void ImportanceIsTheAbsoluteMaskGradient([Values(1, 2)] int seed)
    {
        BertModel model = Model(seed);
        model.Training = false;
        var examples = Tiny.Encoded(Config());
        WidthImportance importance = DynaBertWidth.Score(model, examples, examples.Count, 0); // one batch: Σ|g| = |g|
        BertBatch batch = BertBatch.Collate(examples, 0);
        const float eps = 1e-2f;
        for (int l = 0; l < 2; l++)
        {
            for (int h = 0; h < 4; h++)
            {
                float[][] plus = Ones(2, 4), minus = Ones(2, 4);
                plus[l][h] += eps;
                minus[l][h] -= eps;
                double numeric = (MaskedLoss(model, batch, plus, Ones(2, 12)) - MaskedLoss(model, batch, minus, Ones(2, 12))) / (2 * eps);
                Assert.That(importance.Heads[l][h], Is.EqualTo(Math.Abs(numeric)).Within(1e-3 + 2e-2 * Math.Abs(numeric)), $"head {h} of layer {l}, seed {seed}");
            }
            for (int n = 0; n < 12; n += 3)
            {
                float[][] plus = Ones(2, 12), minus = Ones(2, 12);
                plus[l][n] += eps;
                minus[l][n] -= eps;
                double post = (MaskedLoss(model, batch, Ones(2, 4), plus) - MaskedLoss(model, batch, Ones(2, 4), minus)) / (2 * eps);
                // A mask before the activation scales the neuron's FFN-in row and bias.
                double pre = (PreMaskedLoss(model, batch, l, n, 1 + eps) - PreMaskedLoss(model, batch, l, n, 1 - eps)) / (2 * eps);
                double expected = Math.Abs(pre) + Math.Abs(post);
                Assert.That(importance.Neurons[l][n], Is.EqualTo(expected).Within(1e-3 + 2e-2 * expected), $"neuron {n} of layer {l}, seed {seed}");
            }
        }
        Assert.That(importance.Heads.SelectMany(h => h).Any(v => v > 0), Is.True, "not vacuous");
        Assert.That(model.Layers[0].Attention.Output.InputTransform, Is.Null, "the probes are removed");
        Assert.That(model.Parameters().All(p => p.Grad is null || p.Grad.All(g => g == 0f)), Is.True, "no gradient left behind");
    }

    [Test]
    public void ImportanceSumsAbsoluteValuesOverBatches()
    {
        BertModel model = Model(3);
        var examples = Tiny.Encoded(Config());
        WidthImportance all = DynaBertWidth.Score(model, examples, 4, 0);
        WidthImportance first = DynaBertWidth.Score(model, examples.Take(4).ToList(), 4, 0);
        WidthImportance second = DynaBertWidth.Score(model, examples.Skip(4).ToList(), 4, 0);
        for (int h = 0; h < 4; h++) Assert.That(all.Heads[1][h], Is.EqualTo(first.Heads[1][h] + second.Heads[1][h]).Within(1e-9));
    }

    [Test]
    public void KeepTakesTheMostImportantInIndexOrder()
    {
        Assert.That(DynaBertWidth.Keep([0.1, 0.9, 0.5, 0.7], 0.5), Is.EqualTo(new[] { 1, 3 }));
        Assert.That(DynaBertWidth.Keep([1, 1, 1], 0.5), Is.EqualTo(new[] { 0, 1 }), "⌈1.5⌉ = 2, ties to the lower index");
        Assert.That(DynaBertWidth.Keep([3.0], 0.5), Is.EqualTo(new[] { 0 }), "at least one");
        Assert.That(DynaBertWidth.KeptCount(512, 0.5), Is.EqualTo(256));
        Assert.That(() => DynaBertWidth.Keep([1.0], 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void PrunedModelComputesTheTeacherWithTheDroppedUnitsMaskedOut([Values(4, 5)] int seed)
    {
        BertModel teacher = Model(seed);
        var examples = Tiny.Encoded(Config());
        WidthImportance importance = DynaBertWidth.Score(teacher, examples, 4, 0);
        BertModel student = DynaBertWidth.Prune(teacher, importance, 0.5, seed);
        Assert.That(student.Config.Heads, Is.EqualTo(2));
        Assert.That(student.Config.HeadSize, Is.EqualTo(4));
        Assert.That(student.Config.Ffn, Is.EqualTo(6));
        Assert.That(student.Layers[0].Attention.Query.Weight.ShapeArray(), Is.EqualTo(new[] { 8, 16 }));
        Assert.That(student.Layers[0].Attention.Output.Weight.ShapeArray(), Is.EqualTo(new[] { 16, 8 }));

        float[][] headMask = [.. importance.Heads.Select(h => { var m = new float[4]; foreach (int k in DynaBertWidth.Keep(h, 0.5)) m[k] = 1f; return m; })];
        float[][] neuronMask = [.. importance.Neurons.Select(n => { var m = new float[12]; foreach (int k in DynaBertWidth.Keep(n, 0.5)) m[k] = 1f; return m; })];
        BertBatch batch = BertBatch.Collate(examples, 0);
        teacher.Training = student.Training = false;
        double masked = MaskedLoss(teacher, batch, headMask, neuronMask);
        double pruned;
        using (Tape.NoGrad()) pruned = Ops.CrossEntropy(student.Forward(batch).Logits!, batch.Labels).Item();
        Assert.That(pruned, Is.EqualTo(masked).Within(1e-5), $"seed {seed}");
    }

    [Test]
    public void FullWidthPruneIsTheTeacher()
    {
        BertModel teacher = Model(6);
        var examples = Tiny.Encoded(Config());
        BertModel student = DynaBertWidth.Prune(teacher, DynaBertWidth.Score(teacher, examples, 8, 0), 1.0, 6);
        BertBatch batch = BertBatch.Collate(examples, 0);
        teacher.Training = student.Training = false;
        using var _ = Tape.NoGrad();
        Assert.That(student.Forward(batch).Logits!.Data, Is.EqualTo(teacher.Forward(batch).Logits!.Data).Within(1e-6));
    }

    [Test]
    public void TheHalfWidthFp32ModelExportsAndRunsInTheRuntime([Values("gelu", "relu")] string act)
    {
        BertModel teacher = new(Config() with { HiddenAct = act }, new TrainingRandom(8));
        var examples = Tiny.Encoded(Config());
        BertModel half = DynaBertWidth.Prune(teacher, DynaBertWidth.Score(teacher, examples, 4, 0), 0.5, 8);
        byte[] bytes = EdgeBert.Trainer.Interop.EbmExporter.Build(EdgeBert.Trainer.Quantization.ClassicModelWeights.Of(half), Tiny.Vocabulary.Tokens).ToArray();
        using var runtime = EdgeBert.Runtime.Model.Load(bytes);
        Assert.That(runtime.Metadata.Architecture.HeadSize, Is.EqualTo(4));
        Assert.That(runtime.Metadata.Architecture.Activation, Is.EqualTo(act == "relu" ? EdgeBert.Format.FfnActivation.Relu : EdgeBert.Format.FfnActivation.Gelu));
        var report = EdgeBert.Trainer.Interop.RuntimeParity.Compare(half, runtime, examples);
        Assert.That(report.Passed, Is.True, $"{report.Agreements}/{report.Count}, max Δ {report.MaxRelativeDelta}");
        // An unpruned model keeps writing no headSize.
        using var plain = EdgeBert.Format.EbmFile.Load(EdgeBert.Trainer.Interop.EbmExporter.Build(EdgeBert.Trainer.Quantization.ClassicModelWeights.Of(teacher), Tiny.Vocabulary.Tokens).ToArray());
        Assert.That(plain.Metadata.Architecture.HeadSize, Is.Null);
    }

    [Test]
    public void BadInputThrowsClearly()
    {
        BertModel teacher = Model(7);
        Assert.That(() => DynaBertWidth.Score(teacher, [], 4, 0), Throws.ArgumentException.With.Message.Contains("no examples"));
        var wrong = new WidthImportance([[1.0]], [[1.0]]);
        Assert.That(() => DynaBertWidth.Prune(teacher, wrong, 0.5, 1), Throws.ArgumentException.With.Message.Contains("layers"));
        var noLabels = new BertModel(Config() with { Labels = [] }, new TrainingRandom(1));
        Assert.That(() => DynaBertWidth.Score(noLabels, Tiny.Encoded(Config()), 4, 0), Throws.ArgumentException.With.Message.Contains("classifier"));
    }
}
