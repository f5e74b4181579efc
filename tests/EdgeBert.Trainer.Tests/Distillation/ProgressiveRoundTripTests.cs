using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Distillation;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Quantization;
using EdgeBert.Trainer.Tests.Training;
using EdgeBert.Trainer.Training;

namespace EdgeBert.Trainer.Tests.Distillation;

/// <summary>
/// Two-stage progressive quantization end to end on the tiny task: FP32 teacher → stage-1 W1
/// (weights only) → each stage-2 student (W1A8, W1A4, W1A1) distilled with TernaryBERT's loss →
/// export → the runtime gives the trainer's quantized predictions and logits.
/// </summary>
[TestFixture]
public sealed class ProgressiveRoundTripTests : PinnedTrainerThreads
{
    private const long Seed = 11;
    private static BertModel? teacher;
    private static BertModel? stageOne;

    private static BertConfig Config() => Tiny.Config() with { Layers = 2 };

    private static TrainingOptions Options(int epochs, float lr) =>
        new() { Epochs = epochs, LearningRate = lr, WarmupFraction = 0.1, Seed = Seed, AdamW = new AdamWOptions { WeightDecay = 0f } };

    private static BertModel Copy(BertModel from, ProgressiveStep step)
    {
        var to = new BertModel(Config(), new TrainingRandom((ulong)Seed + 1));
        var source = from.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        foreach ((string name, Tensor p) in to.NamedParameters()) source[name].Data.CopyTo(p.Data, 0);
        ProgressiveQuantization.Apply(to, step);
        return to;
    }

    /// <summary>The teacher and the stage-1 W1 student, trained once for the three targets.</summary>
    private static (BertModel Teacher, BertModel StageOne) Chain(List<EncodedExample> examples)
    {
        if (teacher is null)
        {
            teacher = new BertModel(Config(), new TrainingRandom((ulong)Seed));
            new TrainingLoop(teacher, Tiny.Vocabulary.Tokens, new ClassificationTask(examples, examples, 2, 4, Seed, 0), Options(40, 1e-2f)).Run();
            // Stage 1 shortened to its last step (W1 weights, FP32 activations) from the teacher.
            stageOne = Copy(teacher, ProgressiveSchedule.StageOne[^1]);
            new TrainingLoop(stageOne, Tiny.Vocabulary.Tokens, new DistillationTask(teacher, examples, examples, 4, Seed, 0), Options(10, 2e-3f)).Run();
        }
        return (teacher, stageOne!);
    }

    /// <summary>Trainer logits and last hidden states for one unpadded sequence, as the runtime runs it.</summary>
    private static (float[] Logits, float[] Hidden) TrainerForward(BertModel model, int[] ids, int[] typeIds)
    {
        BertOutput o = Tiny.Forward(model, ids, typeIds);
        return (o.Logits!.Data, o.Sequence.Data);
    }

    [Test]
    public void StageTwoStudentsRunInTheRuntimeWithTheTrainersPredictions([Values("w1a8", "w1a4", "w1a1")] string target)
    {
        List<EncodedExample> examples = Tiny.Encoded(Config());
        (BertModel fp32, BertModel w1) = Chain(examples);
        ProgressiveStep step = ProgressiveSchedule.Targets.Single(t => t.Name == target);
        BertModel student = Copy(w1, step);
        var task = new DistillationTask(fp32, examples, examples, 4, Seed, 0);
        TrainingResult result = new TrainingLoop(student, Tiny.Vocabulary.Tokens, task, Options(10, 2e-3f)).Run();
        Assert.That(result.Losses.TakeLast(4).Average(), Is.LessThan(result.Losses.Take(4).Average()), $"{target}: distillation loss decreases (seed {Seed})");

        byte[] bytes = ProgressiveExporter.Build(EdgeBert.Trainer.Quantization.ClassicModelWeights.Of(student), step, Tiny.Vocabulary.Tokens).ToArray();
        using var runtime = EdgeBert.Runtime.Model.Load(bytes);
        var session = runtime.CreateSession(new EdgeBert.Runtime.SessionOptions { Threads = 1 });

        var rng = new Random((int)Seed);
        var sequences = examples.Select(e => (e.Ids, e.TypeIds)).ToList();
        for (int n = 0; n < 40; n++)
        {
            int length = 2 + rng.Next(Config().MaxSequenceLength - 1);
            int[] ids = [.. Enumerable.Range(0, length).Select(_ => rng.Next(Config().VocabSize))];
            sequences.Add((ids, new int[length]));
        }

        double worst = 0, worstHidden = 0;
        var runtimeLogits = new float[2];
        var runtimeHidden = new float[Config().MaxSequenceLength * Config().Hidden];
        var distinct = new HashSet<float>();
        var labels = new HashSet<int>();
        for (int s = 0; s < sequences.Count; s++)
        {
            (int[] ids, int[] types) = sequences[s];
            (float[] expected, float[] hidden) = TrainerForward(student, ids, types);
            var c = session.ClassifyTokens(ids, types, runtimeLogits);
            labels.Add(c.Label);
            // The last hidden states are continuous (LayerNorm outputs) even where a W1A1 head's
            // logits take few values, so they check the whole encoder, not just the decision.
            session.EncodeTokens(ids, types, runtimeHidden);
            for (int i = 0; i < hidden.Length; i++) worstHidden = Math.Max(worstHidden, Math.Abs(hidden[i] - runtimeHidden[i]));
            int trainerLabel = expected[1] > expected[0] ? 1 : 0;
            Assert.That(c.Label, Is.EqualTo(trainerLabel), $"{target} sequence {s} (seed {Seed}): trainer {string.Join(", ", expected)}, runtime {string.Join(", ", runtimeLogits)}");
            for (int j = 0; j < 2; j++) worst = Math.Max(worst, Math.Abs(expected[j] - runtimeLogits[j]));
            distinct.Add(expected[1] - expected[0]);
        }
        // A constant model would pass trivially. W1A1's head sees only sign(h[CLS]) (16 bits here), so
        // its logits take few values; its hidden states are checked instead.
        Assert.That(labels, Has.Count.EqualTo(2), $"{target}: the student predicts both labels");
        if (target != "w1a1") Assert.That(distinct, Has.Count.GreaterThan(sequences.Count / 2), $"{target}: the student's logits depend on the input");
        TestContext.Out.WriteLine($"{target}: max |logit difference| over {sequences.Count} sequences: {worst}; max |hidden difference| {worstHidden}; {distinct.Count} distinct logit margins");
        Assert.That(worst, Is.LessThan(Tolerance), $"{target} seed {Seed}");
        Assert.That(worstHidden, Is.LessThan(Tolerance), $"{target} seed {Seed}: last hidden states");
    }

    // The runtime's integer parts are exact and the trainer feeds its SGEMM the same ±α weights
    // and scale·(q − zp) / ±1 inputs; what is left is float rounding: the runtime's α·scale·d
    // epilogue against the trainer's float sum of products, and its float64 LayerNorm against
    // the trainer's float32 one. A W1A1 sign flips only if a value lies within that rounding of 0.
    // Measured on this task: logits 7.2e-7 (W1A8), 4.8e-7 (W1A4), 0 (W1A1); last hidden states
    // 1.2e-6 at most. 1e-5 keeps an 8× margin.
    private const double Tolerance = 1e-5;
}
