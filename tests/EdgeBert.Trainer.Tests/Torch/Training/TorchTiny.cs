using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Tests.Training;
using EdgeBert.Trainer.Torch;
using EdgeBert.Trainer.Torch.Training;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Tests.Torch.Training;

/// <summary>The tiny spam/ham task of <see cref="Tiny"/> on LibTorch: a seeded model and a classification task over the eight examples.</summary>
internal static class TorchTiny
{
    /// <summary>
    /// A fresh model initialised from LibTorch's generator seeded with <paramref name="initSeed"/>
    /// (default <paramref name="seed"/>), and the task (train = dev) whose data order <paramref name="seed"/> fixes.
    /// </summary>
    public static (TorchBertModel Model, TorchClassificationTask Task) Setup(long seed, float dropout, int batchSize = 4, long? initSeed = null)
    {
        BertConfig config = Tiny.Config(dropout);
        List<EncodedExample> examples = Tiny.Encoded(config);
        random.manual_seed(initSeed ?? seed);
        return (new TorchBertModel(config), new TorchClassificationTask(examples, examples, 2, batchSize, seed, 0));
    }

    /// <summary>Every parameter's values by name.</summary>
    public static Dictionary<string, float[]> Weights(TorchBertModel model) =>
        model.NamedWeights().ToDictionary(w => w.Name, w => TorchTensors.ToFloats(w.Parameter), StringComparer.Ordinal);
}
