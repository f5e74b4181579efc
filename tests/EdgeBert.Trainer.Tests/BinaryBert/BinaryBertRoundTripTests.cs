using EdgeBert.Format;
using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Quantization;
using EdgeBert.Trainer.Tests.Training;
using EdgeBert.Trainer.Training;

namespace EdgeBert.Trainer.Tests.BinaryBert;

/// <summary>
/// BinaryBERT end to end on the tiny task: FP32 teacher → half width by importance → ternary KD →
/// ternary weight splitting → binary KD → export; the runtime gives the trainer's quantized
/// predictions on every sequence and logits within a tolerance.
/// </summary>
[TestFixture]
public sealed class BinaryBertRoundTripTests : PinnedTrainerThreads
{
    private const long Seed = 7;

    private static BertConfig Config() => Tiny.Config() with { Layers = 2 };

    private static TrainingOptions Options(int epochs, float lr) =>
        new() { Epochs = epochs, LearningRate = lr, WarmupFraction = 0.1, Seed = Seed, AdamW = new AdamWOptions { WeightDecay = 0f } };

    private static float[] TrainerLogits(BertModel model, int[] ids, int[] typeIds) => Tiny.Forward(model, ids, typeIds).Logits!.Data;

    [TestCase(8)]
    [TestCase(4)]
    public void SplitBinaryStudentExportRunsInTheRuntimeWithTheTrainersPredictions(int activationBits)
    {
        List<EncodedExample> examples = Tiny.Encoded(Config());
        var teacher = new BertModel(Config(), new TrainingRandom((ulong)Seed));
        new TrainingLoop(teacher, Tiny.Vocabulary.Tokens, new ClassificationTask(examples, examples, 2, 4, Seed, 0), Options(40, 1e-2f)).Run();

        BertModel half = DynaBertWidth.Prune(teacher, DynaBertWidth.Score(teacher, examples, 4, 0), 0.5, Seed);
        BertModel student = DynaBertWidth.Prune(teacher, DynaBertWidth.Score(teacher, examples, 4, 0), 0.5, Seed);
        if (activationBits == 4)
        {
            var relu = new BertModel(student.Config with { HiddenAct = "relu" }, new TrainingRandom((ulong)Seed));
            var source = student.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
            foreach ((string name, Tensor p) in relu.NamedParameters()) source[name].Data.CopyTo(p.Data, 0);
            student = relu;
        }
        BinaryBertQuantization.ApplyTernary(student, activationBits);
        foreach (KdStage stage in new[] { KdStage.Intermediate, KdStage.Prediction })
        {
            new TrainingLoop(student, Tiny.Vocabulary.Tokens, new BinaryBertDistillationTask(half, stage, examples, examples, 4, Seed, 0), Options(5, 2e-3f)).Run();
        }
        BinaryBertQuantization.Remove(student);
        TernaryWeightSplit.Apply(student);
        BinaryBertQuantization.ApplyBinary(student, activationBits);
        TrainingResult result = null!;
        foreach (KdStage stage in new[] { KdStage.Intermediate, KdStage.Prediction })
        {
            result = new TrainingLoop(student, Tiny.Vocabulary.Tokens, new BinaryBertDistillationTask(half, stage, examples, examples, 4, Seed, 0), Options(8, 2e-3f)).Run();
        }
        Assert.That(result.Losses.All(float.IsFinite), Is.True);

        byte[] bytes = BinaryBertExporter.Build(EdgeBert.Trainer.Quantization.ClassicModelWeights.Of(student), Tiny.Vocabulary.Tokens, activationBits).ToArray();
        using (EbmFile file = EbmFile.Load(bytes))
        {
            BertArchitecture a = file.Metadata.Architecture;
            Assert.That((a.Heads, a.HeadSize, a.FfnSize, a.HiddenSize), Is.EqualTo((1, 8, 16, 16)));
            Assert.That(a.Activation, Is.EqualTo(activationBits == 4 ? FfnActivation.Relu : FfnActivation.Gelu));
            Assert.That(file.Metadata.Layers.All(l => l.WeightBits == 1 && l.ActivationBits == activationBits && l.Method == QuantMethod.BinaryBert), Is.True);
            Assert.That(file.Metadata.Provenance.Method, Is.EqualTo(QuantMethod.BinaryBert));
            Assert.That(file.GetTensor("layer.1.attention.query.weight_split").DType, Is.EqualTo(EbmDType.Binary));
            Assert.That(file.GetTensor("layer.1.attention.query.weight").Shape, Is.EqualTo(new[] { 8, 16 }));
            Assert.That(file.GetTensor("embeddings.word.split").Scales.Length, Is.EqualTo(Config().VocabSize), "word embedding α per row");
            Assert.That(file.GetTensor("pooler.weight_split").Scales.Length, Is.EqualTo(1), "linear α per tensor");
            Assert.That(file.TryGetTensor("layer.0.ffn.out.act_scale", out _), Is.EqualTo(activationBits == 4), "LSQ steps at A4 only");
        }
        using var runtime = EdgeBert.Runtime.Model.Load(bytes);
        var session = runtime.CreateSession(new EdgeBert.Runtime.SessionOptions { Threads = 1 });

        var rng = new Random((int)Seed);
        var sequences = examples.Select(e => (e.Ids, e.TypeIds)).ToList();
        for (int n = 0; n < 60; n++)
        {
            int length = 2 + rng.Next(Config().MaxSequenceLength - 1);
            int[] ids = [.. Enumerable.Range(0, length).Select(_ => rng.Next(Config().VocabSize))];
            sequences.Add((ids, new int[length]));
        }
        double worst = 0;
        var runtimeLogits = new float[2];
        int spam = 0;
        for (int s = 0; s < sequences.Count; s++)
        {
            (int[] ids, int[] types) = sequences[s];
            float[] expected = TrainerLogits(student, ids, types);
            var c = session.ClassifyTokens(ids, types, runtimeLogits);
            int trainerLabel = expected[1] > expected[0] ? 1 : 0;
            spam += trainerLabel;
            Assert.That(c.Label, Is.EqualTo(trainerLabel), $"W1A{activationBits} sequence {s} (seed {Seed}): trainer logits {string.Join(", ", expected)}, runtime {string.Join(", ", runtimeLogits)}");
            for (int j = 0; j < 2; j++) worst = Math.Max(worst, Math.Abs(expected[j] - runtimeLogits[j]));
        }
        TestContext.Out.WriteLine($"W1A{activationBits}: max |logit difference| over {sequences.Count} sequences: {worst}; {spam} spam");
        Assert.That(spam, Is.InRange(1, sequences.Count - 1), "both labels occur, so equal labels are not vacuous");
        Assert.That(worst, Is.LessThan(Tolerance), $"W1A{activationBits} seed {Seed}");
        Assert.That(Tiny.Encoded(Config()).Count(e => TrainerLogits(student, e.Ids, e.TypeIds) is var z && (z[1] > z[0] ? 1 : 0) == e.Label), Is.GreaterThanOrEqualTo(6), "the binary student learned the task");
    }

    [Test]
    public void ExportRefusesModelsItCannotWriteFaithfully()
    {
        var model = new BertModel(Config(), new TrainingRandom(9));
        Assert.That(() => BinaryBertExporter.Build(EdgeBert.Trainer.Quantization.ClassicModelWeights.Of(model), Tiny.Vocabulary.Tokens, 8), Throws.ArgumentException.With.Message.Contains("not split"));
        TernaryWeightSplit.Apply(model);
        Assert.That(() => BinaryBertExporter.Build(EdgeBert.Trainer.Quantization.ClassicModelWeights.Of(model), Tiny.Vocabulary.Tokens, 2), Throws.ArgumentException.With.Message.Contains("8 or 4"));
        Assert.That(() => BinaryBertExporter.Build(EdgeBert.Trainer.Quantization.ClassicModelWeights.Of(model), Tiny.Vocabulary.Tokens, 4), Throws.ArgumentException.With.Message.Contains("act_scale"),
            "W1A4 without trained steps");
        BinaryBertQuantization.ApplyBinary(model, 4); // steps exist but are still 0 (no forward yet)
        Assert.That(() => BinaryBertExporter.Build(EdgeBert.Trainer.Quantization.ClassicModelWeights.Of(model), Tiny.Vocabulary.Tokens, 4), Throws.ArgumentException.With.Message.Contains("act_scale"));
        Assert.That(() => BinaryBertExporter.Build(EdgeBert.Trainer.Quantization.ClassicModelWeights.Of(model), Tiny.Vocabulary.Tokens, 8), Throws.ArgumentException.With.Message.Contains("A4"),
            "steps in a W1A8 export would be ignored by the runtime");
    }

    [Test]
    public void LsqStepsOfAnA4StudentReceiveGradients()
    {
        var model = new BertModel(Config() with { HiddenAct = "relu" }, new TrainingRandom(10));
        BinaryBertQuantization.ApplyTernary(model, 4);
        BertBatch batch = BertBatch.Collate(Tiny.Encoded(Config()), 0);
        model.Training = false;
        Ops.CrossEntropy(model.Forward(batch).Logits!, batch.Labels).Backward();
        foreach (EdgeBert.Trainer.Nn.Linear linear in BinaryBertQuantization.Linears(model))
        {
            Assert.That(linear.ActivationScale!.Data[0], Is.GreaterThan(0f), "initialised on the first forward");
            Assert.That(linear.ActivationScale.Grad![0], Is.Not.EqualTo(0f), "the LSQ step gradient reaches the parameter");
        }
    }

    // As for TernaryBERT, the integer parts are exact and the trainer feeds its SGEMM the same
    // α·{±1} weights and scale·(q − zp) inputs; what is left is float rounding (the runtime's
    // (float)d·(α·scale) epilogues of the two halves against the trainer's float sums, float64 against
    // float32 LayerNorm). Measured: 4.8e-7 for W1A8 and W1A4 on this task; 1e-5 keeps a 20× margin.
    private const double Tolerance = 1e-5;
}
