using EdgeBert.Format;
using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Commands;
using EdgeBert.Trainer.Tests.Data;
using EdgeBert.Trainer.Tests.Data.Commands;
using EdgeBert.Trainer.Tests.Training;

namespace EdgeBert.Trainer.Tests.Distillation;

/// <summary><c>edgebert-Train quantize --method bibert</c> end to end on the tiny task, and its resume.</summary>
[TestFixture]
public sealed class BiBertQuantizeCommandTests : TinyTeacherFixture
{
    protected override int TeacherLayers => 2;

    private string[] Quantize(string teacher, string run, params string[] extra) =>
        ["--method", "bibert", "--teacher", teacher, "--train", Train, "--dev", Train, "--test", Train, "--out", run,
         "--epochs", "6", "--batch-size", "4", "--lr", "2e-3", "--threads", "1", "--seed", "3", "--task", "tiny", .. extra];

    [Test]
    public void BiBertDistilsExportsAndChecksRuntimeParity()
    {
        string teacher = Teacher();
        string run = Path.Combine(Dir.Path, "student");
        (int exit, string output) = Run(QuantizeCommand.Create, Quantize(teacher, run));
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("quantize (bibert, W1A1)").And.Contain("test (8 examples, quantized)").And.Contain("W1A1 model"));
        Assert.That(output, Does.Contain("runtime parity on the test split").And.Contain("8/8 (100.00%)").And.Contain("parity: PASS"));
        string ebm = Path.Combine(run, "model.ebm");
        using (EbmFile file = EbmFile.Open(ebm))
        {
            Assert.That(file.Metadata.Provenance!.Method, Is.EqualTo(QuantMethod.BiBert));
            Assert.That(file.Metadata.Architecture.Attention, Is.EqualTo(AttentionKind.BiAttention));
            Assert.That(file.Metadata.Layers.Select(l => (l.WeightBits, l.ActivationBits)), Is.All.EqualTo((1, 1)));
            Assert.That(file.GetTensor("embeddings.word").DType, Is.EqualTo(EbmDType.Binary));
            Assert.That(file.GetTensor("pooler.weight").DType, Is.EqualTo(EbmDType.Binary));
        }
        ModelScores scores = ModelDirectory.ReadScores(Path.Combine(run, "best"))!;
        using var model = EdgeBert.Runtime.Model.Load(ebm);
        var session = model.CreateSession();
        int correct = Tiny.Examples.Count(e => session.Classify(e.Text).LabelName == e.Label);
        Assert.That(correct / 8.0, Is.EqualTo(scores.Test["accuracy"]), "the runtime scores the export as the trainer scored its quantized student (seed 3)");

        // `parity` recognises a bibert .ebm and runs the checkpoint's quantized forward.
        (exit, output) = Run(ParityCommand.Create, "--model", Path.Combine(run, "best"), "--ebm", ebm, "--data", Train, "--threads", "1");
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("8/8").And.Contain("parity: PASS"));
    }

    [Test]
    public void AnInterruptedRunResumesToTheSameStudent()
    {
        string teacher = Teacher();
        string whole = Path.Combine(Dir.Path, "whole"), parts = Path.Combine(Dir.Path, "parts");
        (int exit, string output) = Run(QuantizeCommand.Create, Quantize(teacher, whole));
        Assert.That(exit, Is.EqualTo(0), output);
        (exit, output) = Run(QuantizeCommand.Create, Quantize(teacher, parts, "--stop-after", "5"));
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("stopped after step 5"));
        (exit, output) = Run(QuantizeCommand.Create, Quantize(teacher, parts, "--resume"));
        Assert.That(exit, Is.EqualTo(0), output);

        var a = SafeTensors.Read(Path.Combine(whole, "last", ModelDirectory.WeightsFile)).ToDictionary(p => p.Key, p => p.Value.Values);
        var b = SafeTensors.Read(Path.Combine(parts, "last", ModelDirectory.WeightsFile)).ToDictionary(p => p.Key, p => p.Value.Values);
        Assert.That(a, Has.Count.GreaterThan(20), "every parameter of the 2-layer student");
        foreach ((string name, float[] values) in a) Assert.That(b[name], Is.EqualTo(values), $"{name} after resume (seed 3)");
    }

    [Test]
    public void BadInputExitsOneWithAClearMessage()
    {
        string run = Path.Combine(Dir.Path, "student");
        (int exit, string output) = Run(QuantizeCommand.Create, Quantize(Path.Combine(Dir.Path, "missing"), run));
        Assert.That(exit, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("error"));

        // An empty training file is refused with a message, before any training.
        string teacher = Teacher();
        string empty = Dir.Write("empty.jsonl", "");
        (exit, output) = Run(QuantizeCommand.Create, ["--method", "bibert", "--teacher", teacher, "--train", empty, "--out", run]);
        Assert.That(exit, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("empty").IgnoreCase);
    }
}
