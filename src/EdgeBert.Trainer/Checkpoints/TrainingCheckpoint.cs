using System.Text.Json;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Training;

namespace EdgeBert.Trainer.Checkpoints;

/// <summary>
/// A resumable checkpoint: a <see cref="ModelDirectory"/> plus <c>optimizer.safetensors</c>
/// (AdamW moments <c>m.*</c>, <c>v.*</c>) and <c>state.json</c> (<see cref="TrainingState"/>:
/// step, epoch position, dropout generator state). Written to a temporary directory and then
/// swapped in, so an interruption while saving leaves the previous checkpoint intact.
/// </summary>
public static class TrainingCheckpoint
{
    /// <summary>The optimizer moments file.</summary>
    public const string OptimizerFile = "optimizer.safetensors";

    /// <summary>The run state file.</summary>
    public const string StateFile = "state.json";

    /// <summary>Whether <paramref name="directory"/> holds a complete checkpoint.</summary>
    public static bool Exists(string directory) =>
        File.Exists(Path.Combine(directory, StateFile)) && File.Exists(Path.Combine(directory, OptimizerFile))
        && File.Exists(Path.Combine(directory, ModelDirectory.WeightsFile));

    /// <summary>Saves a checkpoint, replacing any previous one in <paramref name="directory"/>.</summary>
    public static void Save(string directory, BertModel model, IReadOnlyList<string> vocabulary, AdamW optimizer, TrainingState state, ModelScores? scores = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(state);
        DirectorySwap.Replace(directory, temporary =>
        {
            ModelDirectory.Save(temporary, model, vocabulary, scores);
            SafeTensors.Write(Path.Combine(temporary, OptimizerFile), optimizer.StateTensors().Select(s => (s.Name, new[] { s.Values.Length }, s.Values)));
            File.WriteAllText(Path.Combine(temporary, StateFile), JsonSerializer.Serialize(state, CheckpointJson.Default.TrainingState));
        });
    }

    /// <summary>Restores weights, optimizer moments and the dropout generator; returns the run state.</summary>
    /// <exception cref="InvalidDataException">The checkpoint is incomplete, malformed, or does not fit the model.</exception>
    public static TrainingState Load(string directory, BertModel model, AdamW optimizer)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        if (!Exists(directory)) throw new InvalidDataException($"{directory}: not a complete training checkpoint ({StateFile}, {OptimizerFile}, {ModelDirectory.WeightsFile}).");
        BertConfig saved = ModelDirectory.ReadConfig(directory);
        if (!SameArchitecture(saved, model.Config))
        {
            throw new InvalidDataException($"{directory}: the checkpoint's configuration differs from this run's; resume with the same model options.");
        }

        string weights = Path.Combine(directory, ModelDirectory.WeightsFile);
        ModelDirectory.LoadWeights(model, SafeTensors.Read(weights), weights, []);
        string statePath = Path.Combine(directory, StateFile);
        TrainingState state;
        try
        {
            state = JsonSerializer.Deserialize(File.ReadAllText(statePath), CheckpointJson.Default.TrainingState)
                ?? throw new InvalidDataException($"{statePath}: empty state.");
            model.Random.SetState(state.RandomState);
            string optimizerPath = Path.Combine(directory, OptimizerFile);
            optimizer.LoadState(state.Step, SafeTensors.Read(optimizerPath).ToDictionary(p => p.Key, p => p.Value.Values, StringComparer.Ordinal));
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw new InvalidDataException($"{directory}: {e.Message}", e);
        }

        return state;
    }

    private static bool SameArchitecture(BertConfig a, BertConfig b) =>
        a.VocabSize == b.VocabSize && a.Hidden == b.Hidden && a.Layers == b.Layers && a.Heads == b.Heads && a.Ffn == b.Ffn
        && a.MaxPositions == b.MaxPositions && a.TypeVocabSize == b.TypeVocabSize && a.Labels.SequenceEqual(b.Labels);
}
