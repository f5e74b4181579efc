using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Interop;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Quantization;
using EdgeBert.Trainer.Torch;
using EdgeBert.Trainer.Torch.Quantization;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Tests.Torch.Quantization;

/// <summary>
/// Temporary (issue 14, retiring the classic engine): writes, for every exported method, a tiny
/// TorchSharp student's model directory and its .ebm as the exporters of this commit write it,
/// into <c>$EDGEBERT_EXPORT_REFERENCE</c>; a later commit's exporters must write the same bytes
/// from the same directories. Explicit: run by hand.
/// </summary>
[TestFixture]
[Explicit("writes the export byte-identity reference; run by hand with EDGEBERT_EXPORT_REFERENCE set")]
[Category("Torch")]
public sealed class ExportByteIdentityTests
{
    public static IEnumerable<string> Methods() => ["fp32", "ternarybert", "bibert", "binarybert-8", "binarybert-4", "w1a8", "w1a4", "w1a1"];

    [TestCaseSource(nameof(Methods))]
    public void WriteReference(string method)
    {
        string root = Environment.GetEnvironmentVariable("EDGEBERT_EXPORT_REFERENCE") ?? throw new InvalidOperationException("set EDGEBERT_EXPORT_REFERENCE");
        string dir = Path.Combine(root, method);
        bool binaryBert = method.StartsWith("binarybert", StringComparison.Ordinal);
        var config = new BertConfig
        {
            VocabSize = 40, Hidden = 32, Layers = 2, Heads = binaryBert ? 1 : 2, HeadSize = binaryBert ? 16 : 0, Ffn = binaryBert ? 24 : 48,
            MaxPositions = 12, MaxSequenceLength = 12, HiddenAct = method == "binarybert-4" ? "relu" : "gelu", Labels = ["ham", "spam", "other"],
        };
        string[] vocab = [.. new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" }.Concat(Enumerable.Range(5, config.VocabSize - 5).Select(i => $"t{i}"))];
        random.manual_seed(method.Length * 7 + 3);
        using var model = new TorchBertModel(config);
        model.eval();
        Install(method, model);
        using (var noGrad = no_grad())
        {
            foreach ((string name, Tensor p) in model.NamedWeights().Concat(TorchStudentExport.NamedQuantizerParameters(model)))
            {
                if (name.EndsWith(".act_scale", StringComparison.Ordinal)) p.copy_(rand(1) * 0.1 + 0.01);
                else p.add_(randn_like(p) * 0.3);
            }
        }
        var scores = new ModelScores { Task = "tiny", Metric = "accuracy", Step = 17, Dev = new() { ["accuracy"] = 0.75, ["f1"] = 0.5 }, Test = new() { ["accuracy"] = 0.625 } };
        TorchModelDirectory.Save(dir, config, [.. model.NamedWeights(), .. TorchStudentExport.NamedQuantizerParameters(model)], vocab, scores);
        byte[] ebm = method switch
        {
            "fp32" => EbmExporter.Build(ModelDirectory.Load(dir), vocab, scores, null).ToArray(),
            "ternarybert" => TernaryBertExporter.Build(TorchStudentExport.ToTrainerModel(model), vocab, scores, "tiny").ToArray(),
            "bibert" => BiBertExporter.Build(TorchStudentExport.ToTrainerModel(model), vocab, scores, "tiny").ToArray(),
            "binarybert-8" => BinaryBertExporter.Build(TorchStudentExport.ToTrainerModel(model), vocab, 8, scores, "tiny", 0.875).ToArray(),
            "binarybert-4" => BinaryBertExporter.Build(TorchStudentExport.ToTrainerModel(model), vocab, 4, scores, "tiny", 0.875).ToArray(),
            _ => ProgressiveExporter.Build(TorchStudentExport.ToTrainerModel(model), ProgressiveSchedule.Targets.First(t => t.Name == method), vocab, scores, "tiny", 0.875).ToArray(),
        };
        File.WriteAllBytes(Path.Combine(root, method + ".ebm"), ebm);
        Assert.That(ebm, Is.Not.Empty);
    }

    private static void Install(string method, TorchBertModel model)
    {
        switch (method)
        {
            case "fp32": break;
            case "ternarybert": TorchStudentQuantization.TernaryBert(model); break;
            case "bibert": TorchStudentQuantization.BiBert(model); break;
            case "binarybert-8": TorchStudentQuantization.BinaryBertBinary(model, 8); break;
            case "binarybert-4": TorchStudentQuantization.BinaryBertBinary(model, 4); break;
            default: TorchStudentQuantization.Progressive(model, ProgressiveSchedule.Targets.First(t => t.Name == method)); break;
        }
    }
}
