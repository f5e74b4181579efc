using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Tests.Data;
using EdgeBert.Trainer.Tests.Training;
using EdgeBert.Trainer.Torch;
using EdgeBert.Trainer.Torch.Training;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Tests.Checkpoints;

/// <summary>Model directories (config.json, vocab.txt, model.safetensors, scores.json) and training checkpoints round-trip and refuse what does not fit.</summary>
[Category("Torch")]
public class ModelDirectoryTests
{
    [Test]
    public void SaveThenLoad_GivesTheSameModel()
    {
        using var dir = new TempDirectory();
        random.manual_seed(4);
        using var model = new TorchBertModel(Tiny.Config(dropout: 0.2f));
        TorchModelDirectory.Save(dir.Path, model, Tiny.Vocabulary.Tokens, new ModelScores { Metric = "f1", Dev = new() { ["f1"] = 0.5 } });
        using TorchBertModel loaded = TorchBertModel.Load(dir.Path);
        Assert.That(loaded.Config with { Labels = [] }, Is.EqualTo(model.Config with { Labels = [] }));
        Assert.That(loaded.Config.Labels, Is.EqualTo(model.Config.Labels));
        var expected = model.NamedWeights().ToDictionary(p => p.Name, p => TorchTensors.ToFloats(p.Parameter));
        foreach ((string name, Tensor p) in loaded.NamedWeights()) Assert.That(TorchTensors.ToFloats(p), Is.EqualTo(expected[name]), name);
        Assert.That(ModelDirectory.ReadVocabulary(dir.Path).Tokens, Is.EqualTo(Tiny.Vocabulary.Tokens));
        Assert.That(ModelDirectory.ReadScores(dir.Path)!.Dev["f1"], Is.EqualTo(0.5));
    }

    [Test]
    public void MissingOrExtraWeights_AreNamed()
    {
        using var dir = new TempDirectory();
        using var model = new TorchBertModel(Tiny.Config());
        TorchModelDirectory.Save(dir.Path, model, Tiny.Vocabulary.Tokens);
        string weights = Path.Combine(dir.Path, ModelDirectory.WeightsFile);
        var tensors = SafeTensors.Read(weights);
        tensors.Remove("layer.0.ffn.in.bias");
        using var other = new TorchBertModel(Tiny.Config());
        Assert.That(() => other.LoadWeights(tensors, weights), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("'layer.0.ffn.in.bias' is missing"));
        tensors = SafeTensors.Read(weights);
        tensors["layer.9.extra"] = new SafeTensor("F32", [1], [0f]);
        Assert.That(() => other.LoadWeights(tensors, weights), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("'layer.9.extra' is not a parameter"));
    }

    [Test]
    public void ResumeWithADifferentModel_IsRefused()
    {
        using var dir = new TempDirectory();
        using var model = new TorchBertModel(Tiny.Config());
        (string, Tensor)[] parameters = [.. model.NamedWeights()];
        TorchCheckpoint.Save(dir.Path, model.Config, parameters, Tiny.Vocabulary.Tokens, new TorchAdamW(parameters), new TorchTrainingState { Step = 3 });
        using var other = new TorchBertModel(Tiny.Config() with { Ffn = 64 });
        (string, Tensor)[] otherParameters = [.. other.NamedWeights()];
        Assert.That(() => TorchCheckpoint.Load(dir.Path, other.Config, otherParameters, new TorchAdamW(otherParameters)),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("configuration differs"));
        using var same = new TorchBertModel(Tiny.Config());
        (string, Tensor)[] sameParameters = [.. same.NamedWeights()];
        Assert.That(TorchCheckpoint.Load(dir.Path, same.Config, sameParameters, new TorchAdamW(sameParameters)).Step, Is.EqualTo(3));
        Assert.That(() => TorchCheckpoint.Load(Path.Combine(dir.Path, "none"), same.Config, sameParameters, new TorchAdamW(sameParameters)),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("not a complete training checkpoint"));

        // A state.json without "engine" is the removed classic trainer's: refused with a clear message.
        string state = Path.Combine(dir.Path, TorchCheckpoint.StateFile);
        File.WriteAllText(state, File.ReadAllText(state).Replace("\"engine\": \"torch\",", "", StringComparison.Ordinal));
        Assert.That(() => TorchCheckpoint.Load(dir.Path, same.Config, sameParameters, new TorchAdamW(sameParameters)),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("classic trainer, which was removed"));
    }
}
