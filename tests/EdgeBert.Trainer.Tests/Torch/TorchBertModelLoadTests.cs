using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Torch;
using EdgeBert.Trainer.Training;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Tests.Torch;

/// <summary>
/// <see cref="TorchBertModel"/>'s names, loading and refusals: it exposes exactly the current
/// trainer's parameter names and shapes, loads them value for value (MLM head weights are optional,
/// as for the current trainer), and rejects
/// a missing, unexpected or misshapen tensor and a too-long batch with a message naming it.
/// </summary>
[TestFixture]
[Category("Torch")]
public sealed class TorchBertModelLoadTests
{
    private static readonly BertConfig s_config = new()
    {
        VocabSize = 30, Hidden = 16, Layers = 2, Heads = 2, Ffn = 24, MaxPositions = 8, MaxSequenceLength = 8, Labels = ["ham", "spam"],
    };

    /// <summary>A model file's tensors: the weights of a model of <paramref name="config"/> initialised from LibTorch's generator seeded with <paramref name="seed"/>.</summary>
    private static Dictionary<string, SafeTensor> TrainerWeights(BertConfig config, ulong seed)
    {
        random.manual_seed((long)seed);
        using var source = new TorchBertModel(config);
        return source.NamedWeights().ToDictionary(p => p.Name, p => new SafeTensor("F32", TorchTensors.Shape(p.Parameter), TorchTensors.ToFloats(p.Parameter)), StringComparer.Ordinal);
    }

    [Test]
    public void NamesAndShapesAreTheCurrentTrainersAndValuesLoadExactly()
    {
        Dictionary<string, SafeTensor> weights = TrainerWeights(s_config, 3);
        using var model = new TorchBertModel(s_config);
        model.LoadWeights(weights, "test");
        var loaded = model.NamedWeights().ToList();
        Assert.That(loaded.Select(w => w.Name), Is.EqualTo(weights.Keys));
        foreach ((string name, Tensor p) in loaded)
        {
            Assert.That(p.shape, Is.EqualTo(weights[name].Shape.Select(d => (long)d)), name);
            Assert.That(p.data<float>().ToArray(), Is.EqualTo(weights[name].Values), name);
        }
    }

    [Test]
    public void MlmWeightsAreOptional()
    {
        Dictionary<string, SafeTensor> weights = TrainerWeights(s_config, 5);
        foreach (string name in weights.Keys.Where(n => n.StartsWith("mlm.", StringComparison.Ordinal)).ToList()) weights.Remove(name);
        using var model = new TorchBertModel(s_config);
        float[] before = model.NamedWeights().Single(w => w.Name == "mlm.transform.weight").Parameter.data<float>().ToArray();
        model.LoadWeights(weights, "test");
        Assert.That(model.NamedWeights().Single(w => w.Name == "mlm.transform.weight").Parameter.data<float>().ToArray(), Is.EqualTo(before));
        Assert.That(model.NamedWeights().Single(w => w.Name == "pooler.weight").Parameter.data<float>().ToArray(), Is.EqualTo(weights["pooler.weight"].Values));
    }

    [Test]
    public void AModelWithoutLabelsHasNoClassifierAndNoLogits()
    {
        BertConfig config = s_config with { Labels = [] };
        using var model = new TorchBertModel(config);
        Assert.That(model.NamedWeights().Select(w => w.Name), Has.None.StartsWith("classifier"));
        model.eval();
        using var scope = NewDisposeScope();
        TorchBertOutput output = model.Forward(new BertBatch(1, 3, [2, 5, 3], [0, 0, 0], [1, 1, 1], [-1]));
        Assert.That(output.Logits, Is.Null);
        Assert.That(output.Pooled.shape, Is.EqualTo(new long[] { 1, 16 }));
    }

    [Test]
    public void MissingUnexpectedAndMisshapenWeightsAreRefusedByName()
    {
        using var model = new TorchBertModel(s_config);

        Dictionary<string, SafeTensor> missing = TrainerWeights(s_config, 4);
        missing.Remove("layer.1.ffn.in.bias");
        Assert.That(() => model.LoadWeights(missing, "m.safetensors"),
            Throws.TypeOf<InvalidDataException>().With.Message.EqualTo("m.safetensors: weight 'layer.1.ffn.in.bias' is missing."));

        Dictionary<string, SafeTensor> unexpected = TrainerWeights(s_config, 4);
        unexpected["layer.2.ffn.in.bias"] = unexpected["layer.1.ffn.in.bias"];
        Assert.That(() => model.LoadWeights(unexpected, "m.safetensors"),
            Throws.TypeOf<InvalidDataException>().With.Message.Contains("'layer.2.ffn.in.bias' is not a parameter"));

        Dictionary<string, SafeTensor> misshapen = TrainerWeights(s_config with { Hidden = 18 }, 4);
        Assert.That(() => model.LoadWeights(misshapen, "m.safetensors"),
            Throws.TypeOf<InvalidDataException>().With.Message.Contains("has shape [30,18], the model expects [30,16]"));
    }

    [Test]
    public void ABatchLongerThanThePositionTableIsRefused()
    {
        using var model = new TorchBertModel(s_config);
        int[] nine = Enumerable.Repeat(1, 9).ToArray();
        Assert.That(() => model.Forward(new BertBatch(1, 9, nine, new int[9], nine, [0])),
            Throws.ArgumentException.With.Message.Contains("sequence length 9 exceeds the 8 position embeddings"));
    }
}
