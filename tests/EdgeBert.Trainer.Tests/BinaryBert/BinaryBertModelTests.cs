using EdgeBert.Runtime;
using EdgeBert.Tooling;
using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Commands;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Nn;
using EdgeBert.Trainer.Quantization;
using EdgeBert.Trainer.Tests.Autograd;
using EdgeBert.Trainer.Tests.Data;
using EdgeBert.Trainer.Tests.Training;
using EdgeBert.Trainer.Training;

namespace EdgeBert.Trainer.Tests.BinaryBert;

/// <summary>The model features BinaryBERT needs: a head size independent of hidden/heads, ReLU, split linears and embeddings, the two-stage KD losses.</summary>
[TestFixture]
public sealed class BinaryBertModelTests
{
    [Test]
    public void HeadSizeSetsTheAttentionWidthAndTheScoreScale()
    {
        var rng = new Random(1);
        var attention = new MultiHeadSelfAttention(16, 1, 8, rng, 0f);
        Assert.That(attention.Query.Weight.ShapeArray(), Is.EqualTo(new[] { 8, 16 }));
        Assert.That(attention.Output.Weight.ShapeArray(), Is.EqualTo(new[] { 16, 8 }));
        var x = new Tensor([.. Enumerable.Range(0, 2 * 3 * 16).Select(i => MathF.Sin(i))], [2, 3, 16]);
        AttentionResult r = attention.Forward(x, null);
        Assert.That(r.Output.ShapeArray(), Is.EqualTo(new[] { 2, 3, 16 }));
        // scores = q·kᵀ/√8, computed by hand for one pair.
        Tensor q = Ops.Linear(x, attention.Query.Weight, attention.Query.Bias), k = Ops.Linear(x, attention.Key.Weight, attention.Key.Bias);
        double dot = 0;
        for (int e = 0; e < 8; e++) dot += q.Data[1 * 8 + e] * k.Data[2 * 8 + e];
        Assert.That(r.Scores.Data[1 * 3 + 2], Is.EqualTo(dot / Math.Sqrt(8)).Within(1e-5));
        Assert.That(() => new MultiHeadSelfAttention(16, 1, 0, rng), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void ConfigValidatesHeadSizeAndActivationAndRoundTrips()
    {
        BertConfig c = Tiny.Config() with { Heads = 3, HeadSize = 4, HiddenAct = "relu" };
        c.Validate();
        Assert.That(c.AttentionHeadSize, Is.EqualTo(4));
        Assert.That(Tiny.Config().AttentionHeadSize, Is.EqualTo(8), "0 means hidden/heads");
        Assert.That(() => (Tiny.Config() with { HeadSize = -1 }).Validate(), Throws.ArgumentException.With.Message.Contains("headSize"));
        Assert.That(() => (Tiny.Config() with { Heads = 3 }).Validate(), Throws.ArgumentException.With.Message.Contains("divide"));
        Assert.That(() => (Tiny.Config() with { HiddenAct = "tanh" }).Validate(), Throws.ArgumentException.With.Message.Contains("hiddenAct"));
        using var dir = new TempDirectory();
        var model = new BertModel(c, new TrainingRandom(2));
        Assert.That(model.Layers[0].Ffn.Relu, Is.True);
        ModelDirectory.Save(dir.Path, model, Tiny.Vocabulary.Tokens);
        Assert.That(ModelDirectory.ReadConfig(dir.Path), Is.EqualTo(c).Using<BertConfig>((a, b) => a.HeadSize == b.HeadSize && a.Heads == b.Heads && a.HiddenAct == b.HiddenAct));
        // Older config.json files have neither field: head size hidden/heads, GELU.
        ModelDirectory.Save(dir.Path, new BertModel(Tiny.Config(), new TrainingRandom(2)), Tiny.Vocabulary.Tokens);
        string json = File.ReadAllText(Path.Combine(dir.Path, "config.json"));
        Assert.That(json, Does.Not.Contain("headSize"));
        File.WriteAllText(Path.Combine(dir.Path, "config.json"), json.Replace("\"hiddenAct\": \"gelu\",", ""));
        BertConfig old = ModelDirectory.ReadConfig(dir.Path);
        Assert.That((old.AttentionHeadSize, old.HiddenAct), Is.EqualTo((8, "gelu")));
    }

    [Test]
    public void RandomModelsCanHaveAHeadSize()
    {
        byte[] bytes = RandomModelCommand.Build(new RandomBertOptions { Hidden = 48, Heads = 1, HeadSize = 32, Ffn = 40 }).ToArray();
        using var model = EdgeBert.Runtime.Model.Load(bytes);
        Assert.That(model.Metadata.Architecture.AttentionWidth, Is.EqualTo(32));
        Assert.That(() => RandomModelCommand.Build(new RandomBertOptions { HeadSize = -1 }), Throws.ArgumentException.With.Message.Contains("--head-size"));
        Assert.That(() => RandomModelCommand.Build(new RandomBertOptions { Hidden = 48, Heads = 5 }), Throws.ArgumentException.With.Message.Contains("divide"));
    }

    [Test]
    public void ReluFeedForwardUsesRelu()
    {
        var ffn = new FeedForward(4, 3, new Random(3), relu: true);
        var x = new Tensor([1f, -2f, 0.5f, 3f], [1, 4]);
        Tensor h = Ops.Linear(x, ffn.In.Weight, ffn.In.Bias);
        Tensor expected = Ops.Linear(Ops.Relu(h), ffn.Out.Weight, ffn.Out.Bias);
        Assert.That(ffn.Forward(x).Data, Is.EqualTo(expected.Data));
    }

    [Test]
    public void SplitLinearAddsBothProductsAndHasFiniteDifferenceGradients([Values(1, 2)] int seed)
    {
        var rng = new Random(seed);
        var linear = new Linear(5, 3, rng, initStd: 0.5f) { WeightSplit = Tensor.RandomNormal([3, 5], rng, 0f, 0.5f, requiresGrad: true) };
        linear.Bias!.Data.AsSpan().Fill(0.25f);
        Assert.That(linear.NamedParameters().Select(p => p.Name), Is.EqualTo(new[] { "weight", "bias", "weight_split" }));
        var x = Tensor.RandomNormal([2, 5], rng, 0f, 1f, requiresGrad: true);
        Tensor expected = Ops.Add(Ops.Linear(x, linear.Weight, linear.Bias), Ops.Linear(x, linear.WeightSplit));
        Assert.That(linear.Forward(x).Data, Is.EqualTo(expected.Data));
        GradCheck.Check("split linear", seed, inputs =>
        {
            linear.Weight = inputs[1];
            linear.WeightSplit = inputs[2];
            return linear.Forward(inputs[0]);
        }, [x, linear.Weight, linear.WeightSplit!]);
    }

    [Test]
    public void SplitEmbeddingAddsBothRowsAndHasFiniteDifferenceGradients()
    {
        var rng = new Random(4);
        var table = new Embedding(6, 3, rng, 0.5f) { WeightSplit = Tensor.RandomNormal([6, 3], rng, 0f, 0.5f, requiresGrad: true) };
        int[] ids = [1, 5, 1];
        Tensor y = table.Forward(ids, [3]);
        for (int t = 0; t < 3; t++)
        for (int d = 0; d < 3; d++)
        {
            Assert.That(y.Data[t * 3 + d], Is.EqualTo(table.Weight.Data[ids[t] * 3 + d] + table.WeightSplit.Data[ids[t] * 3 + d]));
        }
        GradCheck.Check("split embedding", 4, inputs =>
        {
            table.Weight = inputs[0];
            table.WeightSplit = inputs[1];
            return table.Forward(ids, [3]);
        }, [table.Weight, table.WeightSplit]);
    }

    private static (BertOutput Student, BertOutput Teacher, BertBatch Batch) Outputs(int studentHeads = 2)
    {
        BertConfig config = Tiny.Config() with { Layers = 2 };
        var teacher = new BertModel(config, new TrainingRandom(5));
        var student = new BertModel(config with { Heads = studentHeads, HeadSize = 8 }, new TrainingRandom(6));
        BertBatch batch = BertBatch.Collate(Tiny.Encoded(config), 0);
        teacher.Training = student.Training = false;
        return (student.Forward(batch), teacher.Forward(batch), batch);
    }

    [Test]
    public void KdStagesComputeTheirLosses()
    {
        (BertOutput s, BertOutput t, BertBatch batch) = Outputs();
        Tensor hidden = Tensor.Scalar(0f), attention = Tensor.Scalar(0f);
        Tensor tokenMask = EdgeBert.Trainer.Distillation.DistillationLoss.TokenMask(batch, 16);
        Tensor pairMask = EdgeBert.Trainer.Distillation.DistillationLoss.PairMask(batch, 2);
        for (int l = 0; l < 3; l++) hidden = Ops.Add(hidden, Ops.Mse(Ops.Mul(s.HiddenStates[l], tokenMask), Ops.Mul(t.HiddenStates[l], tokenMask)));
        for (int l = 0; l < 2; l++) attention = Ops.Add(attention, Ops.Mse(Ops.Mul(s.AttentionScores[l], pairMask), Ops.Mul(t.AttentionScores[l], pairMask)));
        // SCE by hand: −Σ_c p_t·log p_s, averaged over the batch.
        double sce = 0;
        int rows = s.Logits!.Dim(0);
        for (int r = 0; r < rows; r++)
        {
            double[] zs = [s.Logits.Data[2 * r], s.Logits.Data[2 * r + 1]], zt = [t.Logits!.Data[2 * r], t.Logits.Data[2 * r + 1]];
            double ls = Math.Log(Math.Exp(zs[0]) + Math.Exp(zs[1])), lt = Math.Log(Math.Exp(zt[0]) + Math.Exp(zt[1]));
            for (int c = 0; c < 2; c++) sce -= Math.Exp(zt[c] - lt) * (zs[c] - ls);
        }
        sce /= rows;
        Assert.That(BinaryBertDistillationTask.Compute(KdStage.Intermediate, s, t, batch).Item(), Is.EqualTo(hidden.Item() + attention.Item()).Within(1e-5));
        Assert.That(BinaryBertDistillationTask.Compute(KdStage.Prediction, s, t, batch).Item(), Is.EqualTo(sce / 2).Within(1e-5), "stage B averages over the 2 classes");
        Assert.That(BinaryBertDistillationTask.Compute(KdStage.Width, s, t, batch).Item(), Is.EqualTo(hidden.Item() + sce).Within(1e-5));
        Assert.That(hidden.Item(), Is.GreaterThan(0f));
        Assert.That(attention.Item(), Is.GreaterThan(0f));
    }

    [Test]
    public void StageANeedsTheTeachersHeadsButWidthKdDoesNot()
    {
        (BertOutput s, BertOutput t, BertBatch batch) = Outputs(studentHeads: 1);
        Assert.That(() => BinaryBertDistillationTask.Compute(KdStage.Intermediate, s, t, batch), Throws.ArgumentException.With.Message.Contains("same heads"));
        Assert.That(BinaryBertDistillationTask.Compute(KdStage.Width, s, t, batch).Item(), Is.GreaterThan(0f));
        var noLabels = new BertModel(Tiny.Config() with { Labels = [] }, new TrainingRandom(1));
        Assert.That(() => new BinaryBertDistillationTask(noLabels, KdStage.Prediction, Tiny.Encoded(Tiny.Config()), [], 4, 1, 0), Throws.ArgumentException.With.Message.Contains("classifier"));
        Assert.That(() => new BinaryBertDistillationTask(new BertModel(Tiny.Config(), new TrainingRandom(1)), KdStage.Prediction, [], [], 4, 1, 0), Throws.ArgumentException.With.Message.Contains("empty"));
    }
}
