using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Tests.Data;
using EdgeBert.Trainer.Tests.Training;
using EdgeBert.Trainer.Training;

namespace EdgeBert.Trainer.Tests.Checkpoints;

public class ModelDirectoryTests
{
    [Test]
    public void SaveThenLoad_GivesTheSameModel()
    {
        using var dir = new TempDirectory();
        var model = new BertModel(Tiny.Config(dropout: 0.2f), new TrainingRandom(4));
        ModelDirectory.Save(dir.Path, model, Tiny.Vocabulary.Tokens, new ModelScores { Metric = "f1", Dev = new() { ["f1"] = 0.5 } });
        BertModel loaded = ModelDirectory.Load(dir.Path);
        Assert.That(loaded.Config with { Labels = [] }, Is.EqualTo(model.Config with { Labels = [] }));
        Assert.That(loaded.Config.Labels, Is.EqualTo(model.Config.Labels));
        var expected = model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Data);
        foreach ((string name, Tensor p) in loaded.NamedParameters()) Assert.That(p.Data, Is.EqualTo(expected[name]), name);
        Assert.That(ModelDirectory.ReadVocabulary(dir.Path).Tokens, Is.EqualTo(Tiny.Vocabulary.Tokens));
        Assert.That(ModelDirectory.ReadScores(dir.Path)!.Dev["f1"], Is.EqualTo(0.5));
    }

    [Test]
    public void MissingOrExtraWeights_AreNamed()
    {
        using var dir = new TempDirectory();
        var model = new BertModel(Tiny.Config(), new TrainingRandom(4));
        ModelDirectory.Save(dir.Path, model, Tiny.Vocabulary.Tokens);
        string weights = Path.Combine(dir.Path, ModelDirectory.WeightsFile);
        var tensors = SafeTensors.Read(weights);
        tensors.Remove("layer.0.ffn.in.bias");
        Assert.That(() => ModelDirectory.LoadWeights(new BertModel(Tiny.Config(), new TrainingRandom(1)), tensors, weights, ["mlm."]),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("'layer.0.ffn.in.bias' is missing"));
        tensors = SafeTensors.Read(weights);
        tensors["layer.9.extra"] = new SafeTensor("F32", [1], [0f]);
        Assert.That(() => ModelDirectory.LoadWeights(new BertModel(Tiny.Config(), new TrainingRandom(1)), tensors, weights, ["mlm."]),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("'layer.9.extra' is not a parameter"));
    }

    [Test]
    public void ResumeWithADifferentModel_IsRefused()
    {
        using var dir = new TempDirectory();
        var model = new BertModel(Tiny.Config(), new TrainingRandom(4));
        var optimizer = new AdamW(model.NamedParameters());
        TrainingCheckpoint.Save(dir.Path, model, Tiny.Vocabulary.Tokens, optimizer, new TrainingState { Step = 3, RandomState = model.Random.GetState() });
        var other = new BertModel(Tiny.Config() with { Ffn = 64 }, new TrainingRandom(4));
        Assert.That(() => TrainingCheckpoint.Load(dir.Path, other, new AdamW(other.NamedParameters())),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("configuration differs"));
        var same = new BertModel(Tiny.Config(), new TrainingRandom(9));
        var restored = new AdamW(same.NamedParameters());
        Assert.That(TrainingCheckpoint.Load(dir.Path, same, restored).Step, Is.EqualTo(3));
        Assert.That(restored.Step, Is.EqualTo(3));
        Assert.That(same.Random.GetState(), Is.EqualTo(model.Random.GetState()));
        Assert.That(() => TrainingCheckpoint.Load(Path.Combine(dir.Path, "none"), same, restored), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("not a complete training checkpoint"));
    }
}
