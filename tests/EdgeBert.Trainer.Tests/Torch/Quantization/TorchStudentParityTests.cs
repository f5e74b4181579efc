using EdgeBert.Trainer.Distillation;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Quantization;
using EdgeBert.Trainer.Torch;
using EdgeBert.Trainer.Torch.Distillation;
using EdgeBert.Trainer.Torch.Quantization;
using EdgeBert.Trainer.Training;
using static TorchSharp.torch;
using TrainerTensor = EdgeBert.Trainer.Autograd.Tensor;

namespace EdgeBert.Trainer.Tests.Torch.Quantization;

/// <summary>
/// Each method's quantized TorchSharp student against the current trainer's on a tiny model (2
/// layers, hidden 32, 2 heads, batch 3 × 7 with padding, dropout off) with the same random weights:
/// logits close and predictions equal; the distillation losses against a teacher equal within
/// float tolerance; and the .ebm exported from the TorchSharp student equal byte for byte to the
/// current trainer's export of the same weights.
/// </summary>
[TestFixture]
[Category("Torch")]
public sealed class TorchStudentParityTests
{
    private const int Batch = 3, Length = 7;
    private static readonly int[] s_keep = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 0, 0];

    public static IEnumerable<string> Methods() =>
        ["ternarybert", "bibert", "w8", "w4", "w2", "w1", "w1a8", "w1a4", "w1a1", "binarybert-ternary-8", "binarybert-ternary-4", "binarybert-binary-8", "binarybert-binary-4"];

    [TestCaseSource(nameof(Methods))]
    public void QuantizedForwardLossesAndExportMatchTheCurrentTrainer(string method)
    {
        BertConfig config = Config(method.EndsWith("-4", StringComparison.Ordinal) ? "relu" : "gelu");
        BertModel teacher = RandomModel(config, 5);
        BertModel student = RandomModel(config, 6);
        BertBatch batch = RandomBatch(config, 7);
        using var scope = NewDisposeScope();
        using TorchBertModel torchTeacher = Copy(teacher, config);
        using TorchBertModel torchStudent = Copy(student, config);
        InstallBoth(method, student, torchStudent);

        BertOutput expected = student.Forward(batch);
        BertOutput expectedTeacher = teacher.Forward(batch);
        torchStudent.Trace = torchTeacher.Trace = true;
        TorchBertOutput actual = torchStudent.Forward(batch);
        TorchBertOutput actualTeacher = torchTeacher.Forward(batch);
        // Within 1e-5: the quantized inputs are the same codes (a LayerNorm rounding differently could move
        // one A8/A4 code; it did not on these weights), so only float sums, tanh and the classifier differ.
        double tolerance = 1e-5;
        float[] logits = TorchQuantizerTestData.Host(actual.Logits!);
        for (int i = 0; i < logits.Length; i++)
        {
            Assert.That(logits[i], Is.EqualTo(expected.Logits!.Data[i]).Within(tolerance * Math.Max(1, Math.Abs(expected.Logits.Data[i]))), $"{method}: logit {i}");
        }
        Assert.That(Predictions(logits), Is.EqualTo(Predictions(expected.Logits!.Data)), $"{method}: predictions");
        if (method == "bibert")
        {
            // Float64 LayerNorm, exact popcount products: the last hidden states are the current trainer's bit for bit.
            TorchQuantizerTestData.AssertBits(expected.Sequence.Data, TorchQuantizerTestData.Host(actual.Hidden), "bibert last hidden state");
        }

        CompareLosses(method, expected, expectedTeacher, batch, actual, actualTeacher);
        CompareExport(method, student, torchStudent, config);
    }

    private static void CompareLosses(string method, BertOutput expected, BertOutput expectedTeacher, BertBatch batch, TorchBertOutput actual, TorchBertOutput actualTeacher)
    {
        using Tensor keep = tensor(batch.Keep, [Batch, Length]);
        using Tensor labels = tensor(batch.Labels.Select(l => (long)l).ToArray(), [Batch]);
        var pairs = new List<(string, TrainerTensor, Tensor)>();
        if (method == "bibert")
        {
            DirectionMatchingParts parts = DirectionMatchingLoss.Parts(expected, expectedTeacher, batch);
            var t = TorchDistillationLoss.DirectionMatching(actual, actualTeacher, keep, labels);
            pairs.AddRange([("dmd total", parts.Total, t.Total), ("dmd prediction", parts.Prediction, t.Prediction), ("dmd hidden", parts.Hidden, t.Hidden),
                ("dmd Q", parts.Query, t.Query), ("dmd K", parts.Key, t.Key), ("dmd V", parts.Value, t.Value)]);
        }
        else if (method.StartsWith("binarybert", StringComparison.Ordinal))
        {
            foreach (KdStage stage in new[] { KdStage.Width, KdStage.Intermediate, KdStage.Prediction })
            {
                pairs.Add(($"binarybert {stage}", BinaryBertDistillationTask.Compute(stage, expected, expectedTeacher, batch), TorchDistillationLoss.BinaryBert(stage, actual, actualTeacher, keep)));
            }
        }
        else
        {
            pairs.Add(("ternarybert/progressive KD", DistillationLoss.Compute(expected, expectedTeacher, batch), TorchDistillationLoss.TernaryBert(actual, actualTeacher, keep)));
        }
        double tolerance = 1e-5;
        foreach ((string name, TrainerTensor e, Tensor a) in pairs)
        {
            float value = a.item<float>();
            Assert.That(value, Is.EqualTo(e.Data[0]).Within(tolerance * Math.Max(1, Math.Abs(e.Data[0]))), $"{method}: {name}");
            TestContext.Out.WriteLine($"{method} {name}: current {e.Data[0]:R}, TorchSharp {value:R}");
        }
    }

    private static void CompareExport(string method, BertModel student, TorchBertModel torchStudent, BertConfig config)
    {
        string[] vocab = [.. new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" }.Concat(Enumerable.Range(5, config.VocabSize - 5).Select(i => $"t{i}"))];
        Func<EdgeBert.Trainer.Interop.ModelWeights, byte[]>? build = method switch
        {
            "ternarybert" => m => TernaryBertExporter.Build(m, vocab).ToArray(),
            "bibert" => m => BiBertExporter.Build(m, vocab).ToArray(),
            "w1a8" or "w1a4" or "w1a1" => m => ProgressiveExporter.Build(m, ProgressiveSchedule.Targets.First(t => t.Name == method), vocab).ToArray(),
            "binarybert-binary-8" => m => BinaryBertExporter.Build(m, vocab, 8).ToArray(),
            "binarybert-binary-4" => m => BinaryBertExporter.Build(m, vocab, 4).ToArray(),
            _ => null, // stage-1 and ternary BinaryBERT steps are not exported
        };
        if (build is null) return;
        Assert.That(build(TorchStudentExport.Weights(torchStudent)), Is.EqualTo(build(ClassicModelWeights.Of(student))), $"{method}: the .ebm of the TorchSharp student equals the current trainer's byte for byte");
    }

    private static void InstallBoth(string method, BertModel student, TorchBertModel torchStudent)
    {
        switch (method)
        {
            case "ternarybert":
                TernaryBertQuantization.Apply(student);
                TorchStudentQuantization.TernaryBert(torchStudent);
                break;
            case "bibert":
                BiBertQuantization.Apply(student);
                TorchStudentQuantization.BiBert(torchStudent);
                break;
            case var m when m.StartsWith("binarybert", StringComparison.Ordinal):
                int bits = m.EndsWith("-4", StringComparison.Ordinal) ? 4 : 8;
                if (m.Contains("ternary", StringComparison.Ordinal))
                {
                    BinaryBertQuantization.ApplyTernary(student, bits);
                    TorchStudentQuantization.BinaryBertTernary(torchStudent, bits);
                    break;
                }
                TernaryWeightSplit.Apply(student);
                BinaryBertQuantization.ApplyBinary(student, bits);
                TorchStudentQuantization.BinaryBertBinary(torchStudent, bits);
                CopyWeights(student, torchStudent);
                break;
            default:
                ProgressiveStep step = ProgressiveSchedule.StageOne.Concat(ProgressiveSchedule.Targets).First(s => s.Name == method);
                ProgressiveQuantization.Apply(student, step);
                TorchStudentQuantization.Progressive(torchStudent, step);
                break;
        }
    }

    private static BertConfig Config(string activation) => new()
    {
        VocabSize = 40, Hidden = 32, Layers = 2, Heads = 2, Ffn = 48, MaxPositions = 12, MaxSequenceLength = 12,
        HiddenDropout = 0f, AttentionDropout = 0f, HiddenAct = activation, Labels = ["ham", "spam", "other"],
    };

    private static BertModel RandomModel(BertConfig config, int seed)
    {
        var rng = new Random(seed);
        var model = new BertModel(config, new TrainingRandom((ulong)seed)) { Training = false };
        foreach ((string name, TrainerTensor p) in model.NamedParameters())
        {
            (float center, float spread) = name.EndsWith("gamma", StringComparison.Ordinal) ? (1f, 0.2f)
                : name.EndsWith("bias", StringComparison.Ordinal) || name.EndsWith("beta", StringComparison.Ordinal) ? (0f, 0.1f) : (0f, 0.3f);
            for (int i = 0; i < p.Length; i++) p.Data[i] = center + spread * (float)(rng.NextDouble() * 2 - 1);
        }
        return model;
    }

    private static BertBatch RandomBatch(BertConfig config, int seed)
    {
        var rng = new Random(seed);
        int[] ids = Enumerable.Range(0, Batch * Length).Select(i => s_keep[i] == 0 ? 0 : rng.Next(config.VocabSize)).ToArray();
        int[] types = Enumerable.Range(0, Batch * Length).Select(i => i % Length >= 4 && s_keep[i] == 1 ? 1 : 0).ToArray();
        return new BertBatch(Batch, Length, ids, types, s_keep, [0, 2, 1]);
    }

    private static TorchBertModel Copy(BertModel source, BertConfig config)
    {
        var model = new TorchBertModel(config);
        model.eval();
        CopyWeights(source, model);
        return model;
    }

    /// <summary>Copies every weight (and BinaryBERT's split halves) of the current trainer's model into the TorchSharp one by name.</summary>
    private static void CopyWeights(BertModel source, TorchBertModel target)
    {
        Dictionary<string, TrainerTensor> weights = source.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        using var noGrad = no_grad();
        foreach ((string name, Tensor p) in target.NamedWeights().Concat(TorchStudentExport.NamedQuantizerParameters(target)))
        {
            if (name.EndsWith(".act_scale", StringComparison.Ordinal) || !weights.TryGetValue(name, out TrainerTensor? w)) continue;
            using Tensor values = tensor(w.Data, p.shape);
            p.copy_(values);
        }
    }

    private static int[] Predictions(float[] logits) =>
        Enumerable.Range(0, logits.Length / 3).Select(r => Array.IndexOf(logits, logits.Skip(3 * r).Take(3).Max(), 3 * r) - 3 * r).ToArray();
}
