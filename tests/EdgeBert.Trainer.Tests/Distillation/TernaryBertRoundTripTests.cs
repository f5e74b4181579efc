using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Distillation;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Quantization;
using EdgeBert.Trainer.Tests.Training;
using EdgeBert.Trainer.Training;

namespace EdgeBert.Trainer.Tests.Distillation;

/// <summary>
/// TernaryBERT end to end on the tiny task: FP32 teacher → W2A8 student distilled with the hooks →
/// export → the runtime gives the trainer's quantized predictions.
/// </summary>
[TestFixture]
public sealed class TernaryBertRoundTripTests : PinnedTrainerThreads
{
    private const long Seed = 7;

    private static BertConfig Config() => Tiny.Config() with { Layers = 2 };

    private static BertModel Teacher(List<EncodedExample> examples)
    {
        var teacher = new BertModel(Config(), new TrainingRandom((ulong)Seed));
        var options = new TrainingOptions { Epochs = 40, LearningRate = 1e-2f, WarmupFraction = 0.05, Seed = Seed, AdamW = new AdamWOptions { WeightDecay = 0f } };
        new TrainingLoop(teacher, Tiny.Vocabulary.Tokens, new ClassificationTask(examples, examples, 2, 4, Seed, 0), options).Run();
        return teacher;
    }

    private static BertModel StudentFrom(BertModel teacher)
    {
        var student = new BertModel(Config(), new TrainingRandom((ulong)Seed + 1));
        var source = teacher.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        foreach ((string name, Tensor p) in student.NamedParameters()) source[name].Data.CopyTo(p.Data, 0);
        TernaryBertQuantization.Apply(student);
        return student;
    }

    /// <summary>Trainer logits for one unpadded sequence, as the runtime runs it.</summary>
    private static float[] TrainerLogits(BertModel model, int[] ids, int[] typeIds) => Tiny.Forward(model, ids, typeIds).Logits!.Data;

    [Test]
    public void DistilledStudentExportRunsInTheRuntimeWithTheTrainersPredictions()
    {
        List<EncodedExample> examples = Tiny.Encoded(Config());
        BertModel teacher = Teacher(examples);
        BertModel student = StudentFrom(teacher);
        var task = new DistillationTask(teacher, examples, examples, 4, Seed, 0);
        var options = new TrainingOptions { Epochs = 15, LearningRate = 2e-3f, WarmupFraction = 0.1, Seed = Seed, AdamW = new AdamWOptions { WeightDecay = 0f } };
        TrainingResult result = new TrainingLoop(student, Tiny.Vocabulary.Tokens, task, options).Run();
        Assert.That(result.Losses.TakeLast(4).Average(), Is.LessThan(result.Losses.Take(4).Average()), $"distillation loss decreases (seed {Seed})");

        byte[] bytes = TernaryBertExporter.Build(EdgeBert.Trainer.Quantization.ClassicModelWeights.Of(student), Tiny.Vocabulary.Tokens).ToArray();
        using var runtime = EdgeBert.Runtime.Model.Load(bytes);
        var session = runtime.CreateSession(new EdgeBert.Runtime.SessionOptions { Threads = 1 });

        // The tiny task's examples plus seeded random token sequences of every length.
        var rng = new Random((int)Seed);
        var sequences = examples.Select(e => (e.Ids, e.TypeIds)).ToList();
        for (int n = 0; n < 40; n++)
        {
            int length = 2 + rng.Next(Config().MaxSequenceLength - 1);
            int[] ids = [.. Enumerable.Range(0, length).Select(_ => rng.Next(Config().VocabSize))];
            sequences.Add((ids, new int[length]));
        }

        double worst = 0;
        var runtimeLogits = new float[2];
        for (int s = 0; s < sequences.Count; s++)
        {
            (int[] ids, int[] types) = sequences[s];
            float[] expected = TrainerLogits(student, ids, types);
            var c = session.ClassifyTokens(ids, types, runtimeLogits);
            int trainerLabel = expected[1] > expected[0] ? 1 : 0;
            Assert.That(c.Label, Is.EqualTo(trainerLabel), $"sequence {s} (seed {Seed}): trainer logits {string.Join(", ", expected)}, runtime {string.Join(", ", runtimeLogits)}");
            for (int j = 0; j < 2; j++) worst = Math.Max(worst, Math.Abs(expected[j] - runtimeLogits[j]));
        }
        TestContext.Out.WriteLine($"max |logit difference| over {sequences.Count} sequences: {worst}");
        Assert.That(worst, Is.LessThan(Tolerance), $"seed {Seed}");
    }

    // The integer parts of the runtime's GEMMs are exact and the trainer feeds its SGEMM the same
    // α·{−1,0,1} weights and scale·q inputs, so what is left is float rounding: the runtime's
    // (float)d·(α·scale) epilogue against the trainer's float sum of products, and its float64
    // LayerNorm against the trainer's float32 one. Measured: 7.2e-7 on this task; 1e-5 keeps a 10× margin.
    private const double Tolerance = 1e-5;
}
