using EdgeBert.Format;
using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Commands;
using EdgeBert.Trainer.Tests.Data;
using EdgeBert.Trainer.Tests.Data.Commands;
using EdgeBert.Trainer.Tests.Training;

namespace EdgeBert.Trainer.Tests.Distillation;

/// <summary><c>edgebert-Train quantize --method ternarybert</c> end to end on the tiny task.</summary>
[TestFixture]
public sealed class QuantizeCommandTests : TinyTeacherFixture
{

    [Test]
    public void TernaryBertDistilsAndExportsAModelTheRuntimeClassifiesWith()
    {
        string teacher = Teacher();
        string run = Path.Combine(Dir.Path, "student");
        (int exit, string output) = Run(QuantizeCommand.Create,
            "--method", "ternarybert", "--teacher", teacher, "--train", Train, "--dev", Train, "--test", Train, "--out", run,
            "--epochs", "10", "--batch-size", "4", "--lr", "2e-3", "--threads", "1", "--seed", "3", "--task", "tiny");
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("test (8 examples, quantized)").And.Contain("model.ebm"));
        Assert.That(output, Does.Contain("runtime parity on the test split").And.Contain("8/8 (100.00%)").And.Contain("parity: PASS"));
        Assert.That(File.ReadAllText(Path.Combine(run, "parity.json")), Does.Contain("\"agreements\": 8").And.Contain("\"passed\": true"));
        string ebm = Path.Combine(run, "model.ebm");
        using (EbmFile file = EbmFile.Open(ebm))
        {
            Assert.That(file.Metadata.Provenance!.Method, Is.EqualTo(QuantMethod.TernaryBert));
            Assert.That(file.Metadata.Layers[0].WeightBits, Is.EqualTo(2));
            Assert.That(file.Metadata.Provenance.Task, Is.EqualTo("tiny"));
        }
        ModelScores scores = ModelDirectory.ReadScores(Path.Combine(run, "best"))!;
        using var model = EdgeBert.Runtime.Model.Load(ebm);
        var session = model.CreateSession();
        int correct = Tiny.Examples.Count(e => session.Classify(e.Text).LabelName == e.Label);
        Assert.That(correct / 8.0, Is.EqualTo(scores.Test["accuracy"]), "the runtime scores the export as the trainer scored its quantized student (seed 3)");

        // The parity command rebuilds the quantized forward from the .ebm's method, so it checks the student, not its FP32 shadow.
        (int parityExit, string parityOutput) = Run(ParityCommand.Create, "--model", Path.Combine(run, "best"), "--ebm", ebm, "--data", Train, "--tolerance", "5e-2", "--threads", "1");
        Assert.That(parityExit, Is.EqualTo(0), parityOutput);
        Assert.That(parityOutput, Does.Contain("8/8 (100.00%)").And.Contain("parity: PASS"));
    }

    [Test]
    public void BadInputExitsOneWithAClearMessage()
    {
        string run = Path.Combine(Dir.Path, "student");
        (int exit, string output) = Run(QuantizeCommand.Create, "--method", "nosuch", "--teacher", Dir.Path, "--train", Train, "--out", run);
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(output, Does.Contain("ternarybert"));
        (exit, output) = Run(QuantizeCommand.Create, "--teacher", Path.Combine(Dir.Path, "missing"), "--train", Train, "--out", run);
        Assert.That(exit, Is.EqualTo(1), output);
        Assert.That(Run(QuantizeCommand.Create, "--train", Train, "--out", run).Exit, Is.Not.EqualTo(0), "--teacher is required");
    }
}
