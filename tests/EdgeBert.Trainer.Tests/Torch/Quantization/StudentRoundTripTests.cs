using EdgeBert.Format;
using EdgeBert.Trainer.Commands;
using EdgeBert.Trainer.Interop;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Quantization;
using EdgeBert.Trainer.Tests.Training;
using EdgeBert.Trainer.Torch;
using EdgeBert.Trainer.Torch.Quantization;
using EdgeBert.Trainer.Torch.Training;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Tests.Torch.Quantization;

/// <summary>
/// Every method's quantized TorchSharp student, exported by its exporter (<see cref="TorchStudentExport.Weights"/>),
/// runs in the runtime as the trainer computes it: the same prediction on every tiny example and
/// logits within the quantize command's parity tolerance; the file records the method and bits.
/// BinaryBERT goes the recipe's way: ternary quantizers, then ternary weight splitting.
/// </summary>
[TestFixture]
[Category("Torch")]
public sealed class StudentRoundTripTests
{
    public static IEnumerable<string> Methods() => ["ternarybert", "bibert", "binarybert-8", "binarybert-4", "w1a8", "w1a4", "w1a1"];

    [TestCaseSource(nameof(Methods))]
    public void TheExportedStudentRunsInTheRuntimeAsTheTrainerComputesIt(string method)
    {
        bool binaryBert = method.StartsWith("binarybert", StringComparison.Ordinal);
        int bits = method.EndsWith('4') ? 4 : method.EndsWith('1') ? 1 : 8;
        BertConfig config = Tiny.Config() with
        {
            Layers = 2, Heads = binaryBert ? 1 : 2, HeadSize = binaryBert ? 8 : 0, HiddenAct = method == "binarybert-4" ? "relu" : "gelu",
        };
        random.manual_seed(method.Length + 11);
        using var model = new TorchBertModel(config);
        model.eval();
        using (var noGrad = no_grad())
        {
            foreach ((_, Tensor p) in model.NamedWeights()) p.add_(randn_like(p) * 0.1);
        }
        var examples = Tiny.Encoded(config);
        switch (method)
        {
            case "ternarybert": TorchStudentQuantization.TernaryBert(model); break;
            case "bibert": TorchStudentQuantization.BiBert(model); break;
            case var _ when binaryBert:
                TorchStudentQuantization.BinaryBertTernary(model, bits);
                TorchLogits.InOrder(model, examples, 4, 0); // A4: the first batch initialises the LSQ steps
                TernaryWeightSplit.Apply(model, bits);
                break;
            default: TorchStudentQuantization.Progressive(model, ProgressiveSchedule.Targets.First(t => t.Name == method)); break;
        }

        ModelWeights weights = TorchStudentExport.Weights(model);
        IReadOnlyList<string> vocab = Tiny.Vocabulary.Tokens;
        EbmWriter writer = method switch
        {
            "ternarybert" => TernaryBertExporter.Build(weights, vocab),
            "bibert" => BiBertExporter.Build(weights, vocab),
            _ when binaryBert => BinaryBertExporter.Build(weights, vocab, bits),
            _ => ProgressiveExporter.Build(weights, ProgressiveSchedule.Targets.First(t => t.Name == method), vocab),
        };
        using var runtime = EdgeBert.Runtime.Model.Load(writer.ToArray());
        LayerScheme layer = runtime.Metadata.Layers[0];
        Assert.That((layer.WeightBits, layer.ActivationBits), Is.EqualTo(method switch
        {
            "ternarybert" => (2, 8),
            "bibert" => (1, 1),
            _ => (1, bits),
        }), method);
        Assert.That(runtime.Metadata.Provenance!.Method, Is.EqualTo(method switch
        {
            "ternarybert" => QuantMethod.TernaryBert,
            "bibert" => QuantMethod.BiBert,
            _ when binaryBert => QuantMethod.BinaryBert,
            _ => QuantMethod.TwoStage,
        }));

        ParityReport report = RuntimeParity.Compare(config.Labels, () => TorchLogits.InOrder(model, examples, 3, 0), runtime, examples, QuantizedParityStep.Tolerance);
        TestContext.Out.WriteLine($"{method}: {report.Agreements}/{report.Count}, max |Δlogit| {report.MaxAbsoluteDelta:G3}");
        Assert.That(report.Passed, Is.True, $"{method}: {report}");
        Assert.That(report.Worst.TrainerLogits.Max() - report.Worst.TrainerLogits.Min(), Is.GreaterThan(1e-3), "the logits are not all equal (a vacuous comparison)");
    }

    [Test]
    public void ExportWeightsKeepTheModelFilesOrder_SplitHalvesAndStepsAfterTheirLinearsBias()
    {
        BertConfig config = Tiny.Config() with { Layers = 1, Heads = 1, HeadSize = 8, HiddenAct = "relu" };
        using var model = new TorchBertModel(config);
        TernaryWeightSplit.Apply(model, 4);
        string[] names = [.. TorchStudentExport.Weights(model).Tensors.Select(t => t.Name)];
        Assert.That(names.Take(3), Is.EqualTo(new[] { "embeddings.word", "embeddings.word.split", "embeddings.position" }));
        int query = Array.IndexOf(names, "layer.0.attention.query.weight");
        Assert.That(names.Skip(query).Take(5), Is.EqualTo(new[]
        {
            "layer.0.attention.query.weight", "layer.0.attention.query.bias", "layer.0.attention.query.weight_split",
            "layer.0.attention.query.act_scale", "layer.0.attention.key.weight",
        }));
        Assert.That(names.TakeLast(6), Is.EqualTo(new[] { "pooler.weight", "pooler.bias", "pooler.weight_split", "pooler.act_scale", "classifier.weight", "classifier.bias" }));
        Assert.That(names, Has.None.StartsWith("mlm."), "the MLM head is never exported");
    }

    [Test]
    public void BinaryBertExportRefusesModelsItCannotWriteFaithfully()
    {
        BertConfig config = Tiny.Config() with { Layers = 2, Heads = 1, HeadSize = 8 };
        using var model = new TorchBertModel(config);
        IReadOnlyList<string> vocab = Tiny.Vocabulary.Tokens;
        Assert.That(() => BinaryBertExporter.Build(TorchStudentExport.Weights(model), vocab, 8), Throws.ArgumentException.With.Message.Contains("not split"));
        TernaryWeightSplit.Apply(model, 8);
        Assert.That(() => BinaryBertExporter.Build(TorchStudentExport.Weights(model), vocab, 2), Throws.ArgumentException.With.Message.Contains("8 or 4"));
        Assert.That(() => BinaryBertExporter.Build(TorchStudentExport.Weights(model), vocab, 4), Throws.ArgumentException.With.Message.Contains("act_scale"), "W1A4 without steps");
        TorchStudentQuantization.BinaryBertBinary(model, 4); // steps exist but are still 0 (no forward yet)
        Assert.That(() => BinaryBertExporter.Build(TorchStudentExport.Weights(model), vocab, 4), Throws.ArgumentException.With.Message.Contains("act_scale"));
        Assert.That(() => BinaryBertExporter.Build(TorchStudentExport.Weights(model), vocab, 8), Throws.ArgumentException.With.Message.Contains("A4"),
            "steps in a W1A8 export would be ignored by the runtime");
    }
}
