using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Interop;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Quantization;
using EdgeBert.Trainer.Torch;
using EdgeBert.Trainer.Torch.Quantization;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Tests.Torch.Quantization;

/// <summary>
/// Temporary (issue 14, retiring the classic engine): reads, for every exported method, the tiny
/// TorchSharp student's model directory and .ebm that the previous commit's exporters (on a
/// current-trainer BertModel) wrote into <c>$EDGEBERT_EXPORT_REFERENCE</c>, and checks that the
/// exporters on <see cref="ModelWeights"/> write the same bytes. Explicit: run by hand.
/// </summary>
[TestFixture]
[Explicit("compares with the export byte-identity reference; run by hand with EDGEBERT_EXPORT_REFERENCE set")]
[Category("Torch")]
public sealed class ExportByteIdentityTests
{
    public static IEnumerable<string> Methods() => ["fp32", "ternarybert", "bibert", "binarybert-8", "binarybert-4", "w1a8", "w1a4", "w1a1"];

    [TestCaseSource(nameof(Methods))]
    public void TheNewExportPathWritesTheReferenceBytes(string method)
    {
        string root = Environment.GetEnvironmentVariable("EDGEBERT_EXPORT_REFERENCE") ?? throw new InvalidOperationException("set EDGEBERT_EXPORT_REFERENCE");
        string dir = Path.Combine(root, method);
        BertConfig config = ModelDirectory.ReadConfig(dir);
        IReadOnlyList<string> vocab = ModelDirectory.ReadVocabulary(dir).Tokens;
        ModelScores scores = ModelDirectory.ReadScores(dir)!;
        using var model = new TorchBertModel(config);
        model.eval();
        Install(method, model);
        var tensors = SafeTensors.Read(Path.Combine(dir, ModelDirectory.WeightsFile));
        using (var noGrad = no_grad())
        {
            foreach ((string name, Tensor p) in model.NamedWeights().Concat(TorchStudentExport.NamedQuantizerParameters(model)))
            {
                using Tensor values = tensor(tensors[name].Values, p.shape);
                p.copy_(values);
            }
        }
        ModelWeights weights = TorchStudentExport.Weights(model);
        byte[] ebm = method switch
        {
            "fp32" => EbmExporter.Build(weights, vocab, scores, null).ToArray(),
            "ternarybert" => TernaryBertExporter.Build(weights, vocab, scores, "tiny").ToArray(),
            "bibert" => BiBertExporter.Build(weights, vocab, scores, "tiny").ToArray(),
            "binarybert-8" => BinaryBertExporter.Build(weights, vocab, 8, scores, "tiny", 0.875).ToArray(),
            "binarybert-4" => BinaryBertExporter.Build(weights, vocab, 4, scores, "tiny", 0.875).ToArray(),
            _ => ProgressiveExporter.Build(weights, ProgressiveSchedule.Targets.First(t => t.Name == method), vocab, scores, "tiny", 0.875).ToArray(),
        };
        byte[] reference = File.ReadAllBytes(Path.Combine(root, method + ".ebm"));
        Assert.That(ebm, Is.EqualTo(reference), $"{method}: the .ebm from ModelWeights equals the one the BertModel-based exporters wrote");
        if (method != "fp32") return;
        // The export command (TorchBertModel.Load + ModelWeights) writes the same bytes too.
        string path = Path.Combine(root, "fp32-command.ebm");
        Assert.That(Program.Run(["export", "--model", dir, "--out", path], TextWriter.Null, TextWriter.Null), Is.EqualTo(Program.ExitOk));
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(reference), "export command");
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
