using EdgeBert.Format;
using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Distillation;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Nn;
using EdgeBert.Trainer.Quantization;
using EdgeBert.Trainer.Tests.Training;
using EdgeBert.Trainer.Training;

namespace EdgeBert.Trainer.Tests.Distillation;

/// <summary>The W2A8 hooks, the exporter's file layout and the distillation loss.</summary>
[TestFixture]
public sealed class TernaryBertStudentTests
{
    private static BertConfig Config() => Tiny.Config() with { Layers = 2 };

    private static BertBatch Batch(BertConfig config)
    {
        List<EncodedExample> examples = Tiny.Encoded(config);
        return BertBatch.Collate([examples[0], examples[6], examples[4]], 0); // different lengths: padding
    }

    [Test]
    public void HooksMakeEveryEncoderLinearTernaryWithA8InputsAndCanBeRemoved()
    {
        var model = new BertModel(Config(), new TrainingRandom(3));
        model.Training = false;
        BertBatch batch = Batch(Config());
        float[] fp32;
        using (Tape.NoGrad()) fp32 = model.Forward(batch).Logits!.Data;

        TernaryBertQuantization.Apply(model);
        foreach (BertLayer layer in model.Layers)
        {
            foreach (var linear in TernaryBertQuantization.QuantizedLinears(layer))
            {
                float[] w = linear.WeightTransform!(linear.Weight).Data;
                Assert.That(w.Select(MathF.Abs).Distinct().Count(), Is.LessThanOrEqualTo(2), "TWN weights are α·{−1, 0, 1}");
                Tensor x = Tensor.RandomNormal([3, linear.Weight.Dim(1)], new Random(5));
                Tensor q = linear.InputTransform!(x);
                for (int r = 0; r < 3; r++)
                {
                    float scale = x.Data.Skip(r * x.Dim(1)).Take(x.Dim(1)).Max(MathF.Abs) / 127f;
                    for (int c = 0; c < x.Dim(1); c++)
                        Assert.That(q.Data[r * x.Dim(1) + c] / scale, Is.EqualTo(MathF.Round(q.Data[r * x.Dim(1) + c] / scale)).Within(1e-3), "A8 values are scale·integer");
                }
            }
        }
        float[] embedding = model.Embeddings.Word.WeightTransform!(model.Embeddings.Word.Weight).Data;
        int hidden = Config().Hidden;
        for (int r = 0; r < 5; r++)
            Assert.That(embedding.Skip(r * hidden).Take(hidden).Select(MathF.Abs).Distinct().Count(), Is.LessThanOrEqualTo(2), $"embedding row {r} is ternary");
        Assert.That(model.Classifier!.WeightTransform, Is.Null, "the classifier stays FP32");

        float[] quantized;
        using (Tape.NoGrad()) quantized = model.Forward(batch).Logits!.Data;
        Assert.That(quantized, Is.Not.EqualTo(fp32), "the quantized forward differs from FP32");
        TernaryBertQuantization.Remove(model);
        using (Tape.NoGrad()) Assert.That(model.Forward(batch).Logits!.Data, Is.EqualTo(fp32), "removing the hooks restores FP32 bit for bit");
    }

    [Test]
    public void ExportMarksLayersW2A8TernaryBertWithTernaryTensors()
    {
        var model = new BertModel(Config(), new TrainingRandom(4));
        using var file = EbmFile.Load(TernaryBertExporter.Build(EdgeBert.Trainer.Quantization.ClassicModelWeights.Of(model), Tiny.Vocabulary.Tokens).ToArray());
        Assert.That(file.Metadata.Layers, Has.Count.EqualTo(2));
        Assert.That(file.Metadata.Layers, Has.All.Matches<LayerScheme>(l => l.WeightBits == 2 && l.ActivationBits == 8 && l.Method == QuantMethod.TernaryBert));
        Assert.That(file.Metadata.Provenance!.Method, Is.EqualTo(QuantMethod.TernaryBert));
        foreach (string name in new[] { "embeddings.word", "layer.0.attention.query.weight", "layer.1.ffn.out.weight", "pooler.weight" })
            Assert.That(file.GetTensor(name).DType, Is.EqualTo(EbmDType.Ternary), name);
        foreach (string name in new[] { "embeddings.position", "layer.0.attention.query.bias", "classifier.weight", "layer.0.attention.ln.gamma" })
            Assert.That(file.GetTensor(name).DType, Is.EqualTo(EbmDType.F32), name);
        Assert.That(file.Tensors.Select(t => t.Name), Has.None.StartsWith("mlm."));
    }

    [Test]
    public void LossIsZeroForIdenticalModelsAndIgnoresPadding()
    {
        BertConfig config = Config();
        var model = new BertModel(config, new TrainingRandom(5));
        model.Training = false;
        BertBatch batch = Batch(config);
        BertOutput a = model.Forward(batch);
        BertOutput b = model.Forward(batch);
        // Soft CE of identical logits is the teacher's entropy, not 0: subtract it.
        Tensor loss = DistillationLoss.Compute(a, b, batch);
        double entropy = 0;
        float[] logits = b.Logits!.Data;
        for (int r = 0; r < batch.Size; r++)
        {
            double m = Math.Max(logits[2 * r], logits[2 * r + 1]);
            double z = Math.Exp(logits[2 * r] - m) + Math.Exp(logits[2 * r + 1] - m);
            for (int j = 0; j < 2; j++) { double p = Math.Exp(logits[2 * r + j] - m) / z; entropy -= p * Math.Log(p); }
        }
        Assert.That(loss.Item(), Is.EqualTo(entropy / batch.Size).Within(1e-5), "only the soft cross-entropy (= entropy) remains");

        // Changing a padding token's hidden state in the "teacher" must not change the loss.
        var other = new BertModel(config, new TrainingRandom(6));
        other.Training = false;
        BertOutput t = other.Forward(batch);
        float before = DistillationLoss.Compute(a, t, batch).Item();
        int padToken = Array.IndexOf(batch.Keep, 0);
        Assert.That(padToken, Is.GreaterThanOrEqualTo(0), "the batch has padding");
        int hidden = config.Hidden;
        for (int l = 0; l < t.HiddenStates.Count; l++) t.HiddenStates[l].Data.AsSpan(padToken * hidden, hidden).Fill(100f);
        Assert.That(DistillationLoss.Compute(a, t, batch).Item(), Is.EqualTo(before), "padding is masked out");
    }

    [Test]
    public void MismatchedModelsFailWithClearMessages()
    {
        BertConfig config = Config();
        BertBatch batch = Batch(config);
        var two = new BertModel(config, new TrainingRandom(7));
        var one = new BertModel(config with { Layers = 1 }, new TrainingRandom(7));
        Assert.That(() => DistillationLoss.Compute(two.Forward(batch), one.Forward(batch), batch), Throws.ArgumentException.With.Message.Contains("layers"));
        var headless = new BertModel(config with { Labels = [] }, new TrainingRandom(7));
        Assert.That(() => new DistillationTask(headless, Tiny.Encoded(config), [], 4, 1, 0), Throws.ArgumentException.With.Message.Contains("classifier"));
        Assert.That(() => new DistillationTask(two, [], [], 4, 1, 0), Throws.ArgumentException.With.Message.Contains("empty"));
    }
}
