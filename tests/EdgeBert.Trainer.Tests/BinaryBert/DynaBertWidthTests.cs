using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Quantization;
using EdgeBert.Trainer.Tests.Training;
using EdgeBert.Trainer.Torch;
using EdgeBert.Trainer.Torch.Quantization;
using EdgeBert.Trainer.Torch.Training;
using EdgeBert.Trainer.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Tests.BinaryBert;

/// <summary>DynaBERT width reduction: importance is |∂L/∂mask| (checked by finite differences), and pruning keeps exactly the kept units' function.</summary>
[TestFixture]
[Category("Torch")]
public sealed class DynaBertWidthTests
{
    private static BertConfig Config() => Tiny.Config() with { Layers = 2, Heads = 4, Hidden = 16, Ffn = 12 };

    private static TorchBertModel Model(int seed, BertConfig? config = null)
    {
        random.manual_seed(seed);
        var model = new TorchBertModel(config ?? Config());
        model.eval();
        return model;
    }

    private static double Loss(TorchBertModel model, BertBatch batch)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return nn.functional.cross_entropy(model.Forward(batch).Logits!, TorchTensors.Int64(batch.Labels, CPU)).item<float>();
    }

    /// <summary>The loss with a multiplicative mask on every head's context columns and every FFN neuron after its activation.</summary>
    private static double MaskedLoss(TorchBertModel model, BertBatch batch, float[][] headMask, float[][] neuronMask)
    {
        int d = model.Layers[0].Attention.HeadSize;
        var linears = new List<Linear>();
        for (int l = 0; l < model.Layers.Count; l++)
        {
            float[] hm = [.. Enumerable.Range(0, headMask[l].Length * d).Select(i => headMask[l][i / d])], nm = (float[])neuronMask[l].Clone();
            Linear output = model.Layers[l].Attention.OutputLinear, ffnOut = model.Layers[l].FfnOut;
            TorchQuantizedModules.Attach(output, new TorchLinearQuantizer { Input = x => x * tensor(hm) });
            TorchQuantizedModules.Attach(ffnOut, new TorchLinearQuantizer { Input = x => x * tensor(nm) });
            linears.AddRange([output, ffnOut]);
        }
        try
        {
            return Loss(model, batch);
        }
        finally
        {
            foreach (Linear linear in linears) TorchQuantizedModules.Attach(linear, null);
        }
    }

    /// <summary>The loss with neuron <paramref name="n"/> of layer <paramref name="l"/> masked by <paramref name="m"/> before its activation (its FFN-in row and bias scaled).</summary>
    private static double PreMaskedLoss(TorchBertModel model, BertBatch batch, int l, int n, float m)
    {
        Linear ffnIn = model.Layers[l].FfnIn;
        using (var noGrad = no_grad())
        {
            ffnIn.weight![n].mul_(m);
            ffnIn.bias![n].mul_(m);
        }
        try
        {
            return Loss(model, batch);
        }
        finally
        {
            using var noGrad = no_grad();
            ffnIn.weight![n].div_(m);
            ffnIn.bias![n].div_(m);
        }
    }

    private static float[][] Ones(int layers, int n) => [.. Enumerable.Range(0, layers).Select(_ => Enumerable.Repeat(1f, n).ToArray())];

    [Test]
    public void ImportanceIsTheAbsoluteMaskGradient([Values(1, 2)] int seed)
    {
        using TorchBertModel model = Model(seed);
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
                double pre = (PreMaskedLoss(model, batch, l, n, 1 + eps) - PreMaskedLoss(model, batch, l, n, 1 - eps)) / (2 * eps);
                double expected = Math.Abs(pre) + Math.Abs(post);
                Assert.That(importance.Neurons[l][n], Is.EqualTo(expected).Within(1e-3 + 2e-2 * expected), $"neuron {n} of layer {l}, seed {seed}");
            }
        }
        Assert.That(importance.Heads.SelectMany(h => h).Any(v => v > 0), Is.True, "not vacuous");
        Assert.That(TorchQuantizedModules.Quantizer(model.Layers[0].Attention.OutputLinear), Is.Null, "the probes are removed");
        Assert.That(model.NamedWeights().All(p => p.Parameter.grad is null || p.Parameter.grad.abs().max().item<float>() == 0f), Is.True, "no gradient left behind");
    }

    [Test]
    public void ImportanceSumsAbsoluteValuesOverBatches()
    {
        using TorchBertModel model = Model(3);
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
        using TorchBertModel teacher = Model(seed);
        var examples = Tiny.Encoded(Config());
        WidthImportance importance = DynaBertWidth.Score(teacher, examples, 4, 0);
        using TorchBertModel student = DynaBertWidth.Prune(teacher, importance, 0.5);
        student.eval();
        Assert.That(student.Config.Heads, Is.EqualTo(2));
        Assert.That(student.Config.HeadSize, Is.EqualTo(4));
        Assert.That(student.Config.Ffn, Is.EqualTo(6));
        var shapes = student.NamedWeights().ToDictionary(w => w.Name, w => TorchTensors.Shape(w.Parameter));
        Assert.That(shapes["layer.0.attention.query.weight"], Is.EqualTo(new[] { 8, 16 }));
        Assert.That(shapes["layer.0.attention.output.weight"], Is.EqualTo(new[] { 16, 8 }));

        float[][] headMask = [.. importance.Heads.Select(h => { var m = new float[4]; foreach (int k in DynaBertWidth.Keep(h, 0.5)) m[k] = 1f; return m; })];
        float[][] neuronMask = [.. importance.Neurons.Select(n => { var m = new float[12]; foreach (int k in DynaBertWidth.Keep(n, 0.5)) m[k] = 1f; return m; })];
        BertBatch batch = BertBatch.Collate(examples, 0);
        Assert.That(Loss(student, batch), Is.EqualTo(MaskedLoss(teacher, batch, headMask, neuronMask)).Within(1e-5), $"seed {seed}");
    }

    [Test]
    public void FullWidthPruneIsTheTeacher()
    {
        using TorchBertModel teacher = Model(6);
        var examples = Tiny.Encoded(Config());
        using TorchBertModel student = DynaBertWidth.Prune(teacher, DynaBertWidth.Score(teacher, examples, 8, 0), 1.0);
        student.eval();
        Assert.That(TorchLogits.InOrder(student, examples, 8, 0).SelectMany(r => r), Is.EqualTo(TorchLogits.InOrder(teacher, examples, 8, 0).SelectMany(r => r)).Within(1e-6));
    }

    [Test]
    public void TheHalfWidthFp32ModelExportsAndRunsInTheRuntime([Values("gelu", "relu")] string act)
    {
        using TorchBertModel teacher = Model(8, Config() with { HiddenAct = act });
        var examples = Tiny.Encoded(Config());
        using TorchBertModel half = DynaBertWidth.Prune(teacher, DynaBertWidth.Score(teacher, examples, 4, 0), 0.5);
        half.eval();
        byte[] bytes = EdgeBert.Trainer.Interop.EbmExporter.Build(TorchStudentExport.Weights(half), Tiny.Vocabulary.Tokens).ToArray();
        using var runtime = EdgeBert.Runtime.Model.Load(bytes);
        Assert.That(runtime.Metadata.Architecture.HeadSize, Is.EqualTo(4));
        Assert.That(runtime.Metadata.Architecture.Activation, Is.EqualTo(act == "relu" ? EdgeBert.Format.FfnActivation.Relu : EdgeBert.Format.FfnActivation.Gelu));
        var report = EdgeBert.Trainer.Interop.RuntimeParity.Compare(half.Config.Labels, () => TorchLogits.InOrder(half, examples, 16, 0), runtime, examples);
        Assert.That(report.Passed, Is.True, $"{report.Agreements}/{report.Count}, max Δ {report.MaxRelativeDelta}");
        // An unpruned model keeps writing no headSize.
        using var plain = EdgeBert.Format.EbmFile.Load(EdgeBert.Trainer.Interop.EbmExporter.Build(TorchStudentExport.Weights(teacher), Tiny.Vocabulary.Tokens).ToArray());
        Assert.That(plain.Metadata.Architecture.HeadSize, Is.Null);
    }

    [Test]
    public void BadInputThrowsClearly()
    {
        using TorchBertModel teacher = Model(7);
        Assert.That(() => DynaBertWidth.Score(teacher, [], 4, 0), Throws.ArgumentException.With.Message.Contains("no examples"));
        var wrong = new WidthImportance([[1.0]], [[1.0]]);
        Assert.That(() => DynaBertWidth.Prune(teacher, wrong, 0.5), Throws.ArgumentException.With.Message.Contains("layers"));
        using TorchBertModel noLabels = Model(1, Config() with { Labels = [] });
        Assert.That(() => DynaBertWidth.Score(noLabels, Tiny.Encoded(Config()), 4, 0), Throws.ArgumentException.With.Message.Contains("classifier"));
    }
}
