using EdgeBert.Trainer.Checkpoints;

namespace EdgeBert.Trainer.Torch;

/// <summary>
/// Writes a <see cref="TorchBertModel"/> as a model directory of the current format
/// (<see cref="ModelDirectory"/>: <c>config.json</c>, <c>vocab.txt</c>, <c>model.safetensors</c>
/// under the model-file names, optional <c>scores.json</c>), so <c>export</c>, <c>parity</c>,
/// <c>eval</c> and <c>--init</c> read it whichever engine trained it. <see cref="TorchBertModel.Load"/>
/// reads one back.
/// </summary>
public static class TorchModelDirectory
{
    /// <summary>Saves <paramref name="model"/>'s configuration, <paramref name="vocabulary"/>, its weights and (optionally) scores.</summary>
    public static void Save(string directory, TorchBertModel model, IReadOnlyList<string> vocabulary, ModelScores? scores = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Save(directory, model.Config, model.NamedWeights(), vocabulary, scores);
    }

    /// <summary>Saves a configuration with explicitly named weights (a model plus extra trained parameters, e.g. quantizer steps).</summary>
    public static void Save(string directory, Model.BertConfig config, IEnumerable<(string Name, TorchSharp.torch.Tensor Parameter)> weights, IReadOnlyList<string> vocabulary, ModelScores? scores = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(vocabulary);
        Directory.CreateDirectory(directory);
        ModelDirectory.WriteConfig(directory, config);
        File.WriteAllText(Path.Combine(directory, ModelDirectory.VocabFile), string.Concat(vocabulary.Select(t => t + "\n")));
        SafeTensors.Write(Path.Combine(directory, ModelDirectory.WeightsFile), weights.Select(w => (w.Name, TorchTensors.Shape(w.Parameter), TorchTensors.ToFloats(w.Parameter))));
        if (scores is not null) ModelDirectory.WriteScores(directory, scores);
    }
}
