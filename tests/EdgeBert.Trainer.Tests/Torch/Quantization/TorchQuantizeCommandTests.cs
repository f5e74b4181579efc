using EdgeBert.Format;
using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Commands;
using EdgeBert.Trainer.Tests.Distillation;
using EdgeBert.Trainer.Tests.Training;

namespace EdgeBert.Trainer.Tests.Torch.Quantization;

/// <summary>
/// <c>edgebert-train quantize --engine torch</c> (the option older scripts pass) end to end on the
/// tiny task (2-layer teacher) for the one-stage methods, then <c>parity</c> on the quantized export;
/// the progressive chain and BinaryBERT's stages: <c>QuantizeProgressiveCommandTests</c>,
/// <c>QuantizeBinaryBertCommandTests</c>.
/// </summary>
[TestFixture]
[Category("Torch")]
public sealed class TorchQuantizeCommandTests : TinyTeacherFixture
{
    protected override int TeacherLayers => 2;

    [TestCase("ternarybert", "W2A8", QuantMethod.TernaryBert)]
    [TestCase("bibert", "W1A1", QuantMethod.BiBert)]
    public void DistilsOnLibTorchExportsAndPassesRuntimeParity(string method, string scheme, QuantMethod expected)
    {
        string teacher = Teacher();
        string run = Path.Combine(Dir.Path, "student");
        (int exit, string output) = Run(QuantizeCommand.Create,
            "--engine", "torch", "--method", method, "--teacher", teacher, "--train", Train, "--dev", Train, "--test", Train, "--out", run,
            "--epochs", "6", "--batch-size", "4", "--lr", "2e-3", "--threads", "1", "--seed", "3", "--task", "tiny");
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain($"quantize ({method}, {scheme}):").And.Contain("test (8 examples, quantized)"));
        Assert.That(output, Does.Contain("runtime parity on the test split").And.Contain("8/8 (100.00%)").And.Contain("parity: PASS"));
        string ebm = Path.Combine(run, "model.ebm");
        using (EbmFile file = EbmFile.Open(ebm)) Assert.That(file.Metadata.Provenance!.Method, Is.EqualTo(expected));
        ModelScores scores = ModelDirectory.ReadScores(Path.Combine(run, "best"))!;
        using var model = EdgeBert.Runtime.Model.Load(ebm);
        var session = model.CreateSession();
        int correct = Tiny.Examples.Count(e => session.Classify(e.Text).LabelName == e.Label);
        Assert.That(correct / 8.0, Is.EqualTo(scores.Test["accuracy"]), "the runtime scores the export as the TorchSharp trainer scored its quantized student");

        // `parity --engine torch` recognises the quantized .ebm and runs the checkpoint's TorchSharp quantized forward.
        (exit, output) = Run(ParityCommand.Create, "--engine", "torch", "--model", Path.Combine(run, "best"), "--ebm", ebm, "--data", Train, "--threads", "1", "--tolerance", "5e-2");
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("8/8").And.Contain("parity: PASS"));
    }

    [Test]
    public void UnknownEnginesAndCudaAreRefused()
    {
        (int exit, string output) = Run(QuantizeCommand.Create, "--engine", "torch", "--device", "cuda", "--method", "bibert", "--teacher", Dir.Path, "--train", Train, "--out", Path.Combine(Dir.Path, "x"), "--threads", "1");
        Assert.That(exit, Is.EqualTo(1), output);
        (exit, output) = Run(QuantizeCommand.Create, "--engine", "jax", "--method", "bibert", "--teacher", Dir.Path, "--train", Train, "--out", Path.Combine(Dir.Path, "x"), "--threads", "1");
        Assert.That(exit, Is.Not.EqualTo(0), "an unknown engine is a usage error (its message: TrainingCommandTests)");
    }
}
