using System.Text.Json;
using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Model;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Torch.Training;

/// <summary>
/// A resumable checkpoint of <see cref="TorchTrainingLoop"/> (<c>RUN/last/</c>): a model directory
/// (<c>config.json</c>, <c>vocab.txt</c>, <c>model.safetensors</c>, readable by every command),
/// <c>optimizer.safetensors</c> (AdamW moments <c>m.NAME</c> = exp_avg and <c>v.NAME</c> =
/// exp_avg_sq, float32, the parameters' shapes) and <c>state.json</c>
/// (<see cref="TorchTrainingState"/>: step and epoch position, schedule, LibTorch generator
/// state, per-parameter AdamW update counts, best score). Written to <c>last.tmp/</c> and swapped
/// in, so an interruption while saving keeps the previous checkpoint.
/// </summary>
public static class TorchCheckpoint
{
    /// <summary>The optimizer state's file name.</summary>
    public const string OptimizerFile = "optimizer.safetensors";

    /// <summary>The run state's file name.</summary>
    public const string StateFile = "state.json";

    /// <summary>Whether <paramref name="directory"/> holds a complete checkpoint.</summary>
    public static bool Exists(string directory) =>
        File.Exists(Path.Combine(directory, StateFile)) && File.Exists(Path.Combine(directory, OptimizerFile))
        && File.Exists(Path.Combine(directory, ModelDirectory.WeightsFile));

    /// <summary>Saves a checkpoint of the named parameters, the optimizer, the generator and the run state.</summary>
    public static void Save(string directory, BertConfig config, IReadOnlyList<(string Name, Tensor Parameter)> parameters, IReadOnlyList<string> vocabulary, TorchAdamW optimizer, TorchTrainingState state)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(state);
        (var moments, Dictionary<string, long> steps) = optimizer.SaveState();
        using Tensor generator = random.get_rng_state();
        TorchTrainingState full = state with
        {
            OptimizerSteps = steps,
            CpuGeneratorState = Convert.ToBase64String(generator.data<byte>().ToArray()),
        };
        DirectorySwap.Replace(directory, temporary =>
        {
            TorchModelDirectory.Save(temporary, config, parameters, vocabulary);
            SafeTensors.Write(Path.Combine(temporary, OptimizerFile), moments);
            File.WriteAllText(Path.Combine(temporary, StateFile), JsonSerializer.Serialize(full, TorchCheckpointJson.Default.TorchTrainingState));
        });
    }

    /// <summary>Restores the parameters, the optimizer's moments and counts and LibTorch's CPU generator; returns the run state.</summary>
    /// <exception cref="InvalidDataException">The checkpoint is incomplete, malformed, of the classic trainer, or does not fit the model.</exception>
    public static TorchTrainingState Load(string directory, BertConfig config, IReadOnlyList<(string Name, Tensor Parameter)> parameters, TorchAdamW optimizer)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(optimizer);
        if (!Exists(directory)) throw new InvalidDataException($"{directory}: not a complete training checkpoint ({StateFile}, {OptimizerFile}, {ModelDirectory.WeightsFile}).");
        BertConfig saved = ModelDirectory.ReadConfig(directory);
        if (saved != config with { Labels = saved.Labels } || !saved.Labels.SequenceEqual(config.Labels))
        {
            throw new InvalidDataException($"{directory}: the checkpoint's configuration differs from this run's; resume with the same model options.");
        }

        string statePath = Path.Combine(directory, StateFile);
        try
        {
            TorchTrainingState state = JsonSerializer.Deserialize(File.ReadAllText(statePath), TorchCheckpointJson.Default.TorchTrainingState)
                ?? throw new InvalidDataException($"{statePath}: empty state.");
            if (state.Engine != TorchTrainingState.TorchEngine) throw new InvalidDataException($"{statePath}: written by the classic trainer, which was removed; start the run again without --resume.");
            string weights = Path.Combine(directory, ModelDirectory.WeightsFile);
            LoadParameters(SafeTensors.Read(weights), parameters, weights);
            var moments = SafeTensors.Read(Path.Combine(directory, OptimizerFile)).ToDictionary(p => p.Key, p => p.Value.Values, StringComparer.Ordinal);
            optimizer.LoadState(moments, state.OptimizerSteps);
            using Tensor generator = tensor(Convert.FromBase64String(state.CpuGeneratorState));
            random.set_rng_state(generator);
            return state;
        }
        catch (Exception e) when (e is JsonException or ArgumentException or FormatException)
        {
            throw new InvalidDataException($"{directory}: {e.Message}", e);
        }
    }

    /// <summary>Copies every named parameter from <paramref name="tensors"/> (all must be present with their shapes).</summary>
    private static void LoadParameters(IReadOnlyDictionary<string, SafeTensor> tensors, IReadOnlyList<(string Name, Tensor Parameter)> parameters, string source)
    {
        using var noGrad = no_grad();
        foreach ((string name, Tensor p) in parameters)
        {
            if (!tensors.TryGetValue(name, out SafeTensor? t)) throw new InvalidDataException($"{source}: weight '{name}' is missing.");
            if (!t.Shape.Select(d => (long)d).SequenceEqual(p.shape))
            {
                throw new InvalidDataException($"{source}: weight '{name}' has shape [{string.Join(",", t.Shape)}], the model expects [{string.Join(",", p.shape)}].");
            }

            using Tensor values = tensor(t.Values, p.shape, device: p.device);
            p.copy_(values);
        }
    }
}
