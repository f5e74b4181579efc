using System.Text.Json;
using EdgeBert.Text;
using EdgeBert.Trainer.Model;

namespace EdgeBert.Trainer.Checkpoints;

/// <summary>
/// A trainer model on disk: <c>config.json</c> (<see cref="BertConfig"/>), <c>vocab.txt</c>,
/// <c>model.safetensors</c> (float32, the model's parameter names) and optionally
/// <c>scores.json</c>. <c>import</c> writes one, <c>finetune</c> keeps the best as one, and
/// <c>eval</c> / <c>export</c> / <c>finetune --init</c> read one. The weights are written by
/// <c>Torch/TorchModelDirectory</c> and read by <c>TorchBertModel.Load</c>.
/// </summary>
public static class ModelDirectory
{
    /// <summary>The configuration file.</summary>
    public const string ConfigFile = "config.json";

    /// <summary>The vocabulary file (one token per line, id = line number).</summary>
    public const string VocabFile = "vocab.txt";

    /// <summary>The weights file.</summary>
    public const string WeightsFile = "model.safetensors";

    /// <summary>The scores file.</summary>
    public const string ScoresFile = "scores.json";

    /// <summary>Writes <c>config.json</c>.</summary>
    public static void WriteConfig(string directory, BertConfig config) =>
        File.WriteAllText(Path.Combine(directory, ConfigFile), JsonSerializer.Serialize(config, CheckpointJson.Default.BertConfig));

    /// <summary>Writes <c>scores.json</c>.</summary>
    public static void WriteScores(string directory, ModelScores scores) =>
        File.WriteAllText(Path.Combine(directory, ScoresFile), JsonSerializer.Serialize(scores, CheckpointJson.Default.ModelScores));

    /// <summary>Reads and validates <c>config.json</c>.</summary>
    /// <exception cref="FileNotFoundException">The directory has no config.json.</exception>
    /// <exception cref="InvalidDataException">The JSON is malformed or the configuration invalid.</exception>
    public static BertConfig ReadConfig(string directory)
    {
        string path = RequireFile(directory, ConfigFile);
        try
        {
            BertConfig config = JsonSerializer.Deserialize(File.ReadAllText(path), CheckpointJson.Default.BertConfig)
                ?? throw new InvalidDataException($"{path}: empty configuration.");
            config.Validate();
            return config;
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Reads <c>scores.json</c>, or null when absent.</summary>
    /// <exception cref="InvalidDataException">The JSON is malformed.</exception>
    public static ModelScores? ReadScores(string directory)
    {
        string path = Path.Combine(directory, ScoresFile);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), CheckpointJson.Default.ModelScores);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Reads <c>vocab.txt</c>.</summary>
    public static WordPieceVocabulary ReadVocabulary(string directory) => WordPieceVocabulary.Load(RequireFile(directory, VocabFile));

    private static string RequireFile(string directory, string file)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string path = Path.Combine(directory, file);
        if (!File.Exists(path)) throw new FileNotFoundException($"{directory}: no {file} (is this a model directory written by edgebert-train?)", path);
        return path;
    }
}
