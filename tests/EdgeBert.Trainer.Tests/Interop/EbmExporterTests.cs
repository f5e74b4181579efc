using EdgeBert.Format;
using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Interop;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Tests.Data;
using EdgeBert.Trainer.Tests.Training;
using EdgeBert.Trainer.Torch;
using EdgeBert.Trainer.Torch.Quantization;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Tests.Interop;

[Category("Torch")]
public class EbmExporterTests
{
    [Test]
    public void Export_ThenOpen_GivesTheExactWeightsAndMetadata()
    {
        using var dir = new TempDirectory();
        random.manual_seed(8);
        using var model = new TorchBertModel(Tiny.Config() with { Layers = 2 });
        ModelWeights weights = TorchStudentExport.Weights(model);
        var scores = new ModelScores { Task = "spam", Metric = "accuracy", Dev = new() { ["accuracy"] = 0.9 }, Test = new() { ["accuracy"] = 0.85, ["f1"] = 0.8 }, Step = 12 };
        string path = Path.Combine(dir.Path, "m.ebm");
        EbmExporter.Build(weights, Tiny.Vocabulary.Tokens, scores).WriteTo(path);

        using EbmFile file = EbmFile.Open(path);
        var parameters = model.NamedWeights().Where(p => !p.Name.StartsWith("mlm.", StringComparison.Ordinal)).ToList();
        Assert.That(file.Tensors.Select(t => t.Name), Is.EqualTo(parameters.Select(p => p.Name)), "every weight but the MLM head's, in the model file's order");
        foreach ((string name, var p) in parameters)
        {
            Assert.That(file.GetF32(name).ToArray(), Is.EqualTo(TorchTensors.ToFloats(p)), name);
        }

        EbmMetadata m = file.Metadata;
        Assert.That((m.Architecture.Layers, m.Architecture.HiddenSize, m.Architecture.Heads, m.Architecture.FfnSize, m.Architecture.VocabSize),
            Is.EqualTo((2, 16, 2, 32, Tiny.Vocabulary.Count)));
        Assert.That(m.Labels, Is.EqualTo(new[] { "ham", "spam" }));
        Assert.That(m.Layers.All(l => l.WeightBits == 32 && l.Method == QuantMethod.None));
        Assert.That((m.Tokenizer.Lowercase, m.Tokenizer.MaxLength), Is.EqualTo((true, 16)));
        Assert.That(m.Provenance.Method, Is.EqualTo(QuantMethod.None));
        Assert.That(m.Provenance.TrainerVersion, Is.EqualTo(EbmExporter.TrainerVersion).And.Not.Empty);
        Assert.That((m.Provenance.Task, m.Provenance.Metric, m.Provenance.StudentScore), Is.EqualTo(("spam", "accuracy", (double?)0.85)));
        Assert.That(m.Provenance.Notes, Does.Contain("dev accuracy 0.9").And.Contain("test accuracy 0.85, f1 0.8"));
        Assert.That(file.Vocabulary, Is.EqualTo(Tiny.Vocabulary.Tokens));
    }

    [Test]
    public void Export_EncoderWithoutLabels_HasNoClassifier()
    {
        using var model = new TorchBertModel(Tiny.Config(labels: []));
        using EbmFile file = EbmFile.Load(EbmExporter.Build(TorchStudentExport.Weights(model), Tiny.Vocabulary.Tokens).ToArray());
        Assert.That(file.TryGetTensor("classifier.weight", out _), Is.False);
        Assert.That(file.Metadata.Labels, Is.Empty);
        Assert.That(file.Metadata.Provenance.StudentScore, Is.Null);
    }

    [Test]
    public void Export_VocabularyWithoutSpecialTokens_IsRejected()
    {
        using var model = new TorchBertModel(Tiny.Config() with { VocabSize = 5 });
        Assert.That(() => EbmExporter.Build(TorchStudentExport.Weights(model), ["a", "b", "c", "d", "e"]), Throws.ArgumentException.With.Message.Contains("invalid metadata"));
    }
}
