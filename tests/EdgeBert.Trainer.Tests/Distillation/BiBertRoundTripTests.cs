using EdgeBert.Format;
using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Distillation;
using EdgeBert.Trainer.Interop;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Quantization;
using EdgeBert.Trainer.Tests.Training;
using EdgeBert.Trainer.Training;

namespace EdgeBert.Trainer.Tests.Distillation;

/// <summary>
/// BiBERT end to end on the tiny task: FP32 teacher → W1A1 Bi-Attention student distilled with DMD →
/// export → the runtime computes the trainer's quantized forward: the same packed bits, the same
/// last hidden states bit for bit, the same predictions, logits within a few ulps.
/// </summary>
[TestFixture]
public sealed class BiBertRoundTripTests : PinnedTrainerThreads
{
    private const long Seed = 11;
    private static BertModel? student;
    private static List<(int[] Ids, int[] Types)> sequences = [];

    // hidden 32 / 2 heads: d = 16, so ±1 dot products over a head are even integers and A = 0 occurs.
    private static BertConfig Config() => Tiny.Config(dropout: 0.1f) with { Layers = 2, Hidden = 32, Ffn = 64 };

    /// <summary>The distilled student, trained once for the fixture (about a second).</summary>
    private static BertModel Student()
    {
        if (student is not null) return student;
        List<EncodedExample> examples = Tiny.Encoded(Config());
        var teacher = new BertModel(Config(), new TrainingRandom((ulong)Seed));
        var teacherOptions = new TrainingOptions { Epochs = 40, LearningRate = 1e-2f, WarmupFraction = 0.05, Seed = Seed, AdamW = new AdamWOptions { WeightDecay = 0f } };
        new TrainingLoop(teacher, Tiny.Vocabulary.Tokens, new ClassificationTask(examples, examples, 2, 4, Seed, 0), teacherOptions).Run();

        var s = new BertModel(Config(), new TrainingRandom((ulong)Seed + 1));
        var source = teacher.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        foreach ((string name, Tensor p) in s.NamedParameters()) source[name].Data.CopyTo(p.Data, 0);
        BiBertQuantization.Apply(s);
        var task = new DirectionMatchingTask(teacher, examples, examples, 4, Seed, 0);
        var options = new TrainingOptions { Epochs = 20, LearningRate = 2e-3f, WarmupFraction = 0.1, Seed = Seed, AdamW = new AdamWOptions { WeightDecay = 0.01f } };
        TrainingResult result = new TrainingLoop(s, Tiny.Vocabulary.Tokens, task, options).Run();
        Assert.That(result.Losses.TakeLast(4).Average(), Is.LessThan(result.Losses.Take(4).Average()), $"the BiBERT objective decreases (seed {Seed})");

        // The task's examples plus seeded random token sequences of every length.
        var rng = new Random((int)Seed);
        sequences = [.. examples.Select(e => (e.Ids, e.TypeIds))];
        for (int n = 0; n < 60; n++)
        {
            int length = 2 + rng.Next(Config().MaxSequenceLength - 1);
            sequences.Add(([.. Enumerable.Range(0, length).Select(_ => rng.Next(Config().VocabSize))], new int[length]));
        }
        return student = s;
    }

    [Test]
    public void TheExportHoldsTheTrainersBitsWithBiAttentionMetadata()
    {
        BertModel s = Student();
        using EbmFile file = EbmFile.Load(BiBertExporter.Build(EdgeBert.Trainer.Quantization.ClassicModelWeights.Of(s), Tiny.Vocabulary.Tokens).ToArray());
        Assert.That(file.Metadata.Architecture.Attention, Is.EqualTo(AttentionKind.BiAttention));
        Assert.That(file.Metadata.Provenance!.Method, Is.EqualTo(QuantMethod.BiBert));
        Assert.That(file.Metadata.Layers.All(l => l is { WeightBits: 1, ActivationBits: 1, Method: QuantMethod.BiBert }), Is.True);
        Assert.That(file.GetTensor("classifier.weight").DType, Is.EqualTo(EbmDType.F32));
        Assert.That(file.GetTensor("embeddings.position").DType, Is.EqualTo(EbmDType.F32));

        var latent = s.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        string[] binary = ["embeddings.word", "pooler.weight", .. Enumerable.Range(0, 2).SelectMany(i =>
            new[] { "attention.query", "attention.key", "attention.value", "attention.output", "ffn.in", "ffn.out" }.Select(n => $"layer.{i}.{n}.weight"))];
        foreach (string name in binary)
        {
            EbmTensorInfo info = file.GetTensor(name);
            Assert.That(info.DType, Is.EqualTo(EbmDType.Binary), name);
            Tensor w = latent[name];
            int rows = w.Dim(0), columns = w.Dim(1), stride = (columns + 63) / 64;
            float[] trained;
            using (Tape.NoGrad()) trained = BinaryWeight.ApplyCentredRows(w).Data;
            ReadOnlySpan<ulong> bits = file.GetBinary(name);
            for (int r = 0; r < rows; r++)
            {
                Assert.That(info.Scales[r], Is.EqualTo(MathF.Abs(trained[r * columns])), $"{name} row {r}: α");
                for (int c = 0; c < columns; c++)
                {
                    bool negative = (bits[r * stride + c / 64] >> (c % 64) & 1) != 0;
                    Assert.That(negative, Is.EqualTo(trained[r * columns + c] < 0f), $"{name} [{r}, {c}]: the trainer's sign is the packed bit");
                }
            }
        }
    }

    [Test]
    public void TheRuntimeComputesTheTrainersHiddenStatesBitForBitAndItsPredictions()
    {
        BertModel s = Student();
        using var runtime = EdgeBert.Runtime.Model.Load(BiBertExporter.Build(EdgeBert.Trainer.Quantization.ClassicModelWeights.Of(s), Tiny.Vocabulary.Tokens).ToArray());
        var session = runtime.CreateSession(new EdgeBert.Runtime.SessionOptions { Threads = 1 });
        double worst = 0;
        var logits = new float[2];
        var hidden = new float[Config().MaxSequenceLength * Config().Hidden];
        int spam = 0;
        for (int q = 0; q < sequences.Count; q++)
        {
            (int[] ids, int[] types) = sequences[q];
            BertOutput o = Tiny.Forward(s, ids, types);
            // Every sign and bool is decided on identical floats, so the encoder output is identical.
            session.EncodeTokens(ids, types, hidden);
            Assert.That(hidden.AsSpan(0, o.Sequence.Length).ToArray(), Is.EqualTo(o.Sequence.Data), $"sequence {q} (seed {Seed}): last hidden states");
            float[] expected = o.Logits!.Data;
            var c = session.ClassifyTokens(ids, types, logits);
            int trainerLabel = expected[1] > expected[0] ? 1 : 0;
            spam += trainerLabel;
            Assert.That(c.Label, Is.EqualTo(trainerLabel), $"sequence {q} (seed {Seed}): trainer {string.Join(", ", expected)}, runtime {string.Join(", ", logits)}");
            for (int j = 0; j < 2; j++) worst = Math.Max(worst, Math.Abs(expected[j] - logits[j]));
        }
        TestContext.Out.WriteLine($"max |logit difference| over {sequences.Count} sequences: {worst}; {spam} predicted spam");
        Assert.That(spam, Is.InRange(1, sequences.Count - 1), "both labels occur, so agreement is not trivial");
        Assert.That(worst, Is.LessThan(Tolerance), $"seed {Seed}");
    }

    [Test]
    public void PaddedTrainerBatchesAgreeWithTheRuntime()
    {
        BertModel s = Student();
        using var runtime = EdgeBert.Runtime.Model.Load(BiBertExporter.Build(EdgeBert.Trainer.Quantization.ClassicModelWeights.Of(s), Tiny.Vocabulary.Tokens).ToArray());
        var examples = sequences.Select(q => new EncodedExample(q.Ids, q.Types, 0)).ToList();
        ParityReport report = RuntimeParity.Compare(s, runtime, examples, batchSize: 8, tolerance: Tolerance);
        Assert.That(report.Agreements, Is.EqualTo(report.Count), $"seed {Seed}: bool(A + mask) gives padded keys 0, so padding changes nothing");
        Assert.That(report.Passed, Is.True, $"max relative Δ {report.MaxRelativeDelta}");
    }

    // Up to the pooler both sides compute the same bits (asserted above: identical hidden states), so
    // only the pooler's tanh (trainer Ops.Tanh vs runtime Activations.Tanh) and the FP32 classifier's
    // dot product (SGEMM vs TensorPrimitives.Dot) round differently: a few ulps of logits near 1.
    // Measured: below 1e-6 here; 1e-5 keeps a margin.
    private const double Tolerance = 1e-5;
}
