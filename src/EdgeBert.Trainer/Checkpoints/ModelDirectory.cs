using System.Text.Json;
using EdgeBert.Text;
using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Training;

namespace EdgeBert.Trainer.Checkpoints;

/// <summary>
/// A trainer model on disk: <c>config.json</c> (<see cref="BertConfig"/>), <c>vocab.txt</c>,
/// <c>model.safetensors</c> (float32, the model's parameter names) and optionally
/// <c>scores.json</c>. <c>import</c> writes one, <c>finetune</c> keeps the best as one, and
/// <c>eval</c> / <c>export</c> / <c>finetune --init</c> read one.
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

    /// <summary>Writes the model's configuration, vocabulary, weights and (optionally) scores into <paramref name="directory"/>.</summary>
    public static void Save(string directory, BertModel model, IReadOnlyList<string> vocabulary, ModelScores? scores = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(vocabulary);
        Directory.CreateDirectory(directory);
        WriteConfig(directory, model.Config);
        File.WriteAllText(Path.Combine(directory, VocabFile), string.Concat(vocabulary.Select(t => t + "\n")));
        SafeTensors.Write(Path.Combine(directory, WeightsFile), model.NamedParameters().Select(p => (p.Name, p.Parameter.ShapeArray(), p.Parameter.Data)));
        if (scores is not null) WriteScores(directory, scores);
    }

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

    /// <summary>Loads the whole model; <c>mlm.*</c> parameters missing from the file keep their initial values.</summary>
    /// <exception cref="InvalidDataException">A file is missing or malformed, or a weight is missing or has the wrong shape.</exception>
    public static BertModel Load(string directory, long seed = 1)
    {
        BertConfig config = ReadConfig(directory);
        var model = new BertModel(config, new TrainingRandom((ulong)seed));
        LoadWeights(model, SafeTensors.Read(RequireFile(directory, WeightsFile)), Path.Combine(directory, WeightsFile), ["mlm."]);
        return model;
    }

    /// <summary>
    /// Copies weights by name into <paramref name="model"/>. Parameters whose name starts with one
    /// of <paramref name="optionalPrefixes"/> may be missing (they keep their values) and file
    /// tensors under those prefixes that the model lacks are ignored; everything else must match
    /// exactly in name and shape. Returns the number of parameters loaded.
    /// </summary>
    /// <exception cref="InvalidDataException">A required weight is missing, unexpected, or has the wrong shape.</exception>
    public static int LoadWeights(BertModel model, IReadOnlyDictionary<string, SafeTensor> tensors, string source, IReadOnlyList<string> optionalPrefixes)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tensors);
        bool Optional(string name) => optionalPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal));
        var expected = model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter, StringComparer.Ordinal);
        string? unexpected = tensors.Keys.Order(StringComparer.Ordinal).FirstOrDefault(n => !expected.ContainsKey(n) && !Optional(n));
        if (unexpected is not null) throw new InvalidDataException($"{source}: tensor '{unexpected}' is not a parameter of this model configuration.");
        int loaded = 0;
        foreach ((string name, Tensor p) in expected)
        {
            if (!tensors.TryGetValue(name, out SafeTensor? t))
            {
                if (Optional(name)) continue;
                throw new InvalidDataException($"{source}: weight '{name}' is missing.");
            }

            if (!t.Shape.AsSpan().SequenceEqual(p.Shape))
            {
                throw new InvalidDataException($"{source}: weight '{name}' has shape [{string.Join(",", t.Shape)}], the model expects [{string.Join(",", p.ShapeArray())}].");
            }

            t.Values.CopyTo(p.Data, 0);
            loaded++;
        }

        return loaded;
    }

    private static string RequireFile(string directory, string file)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string path = Path.Combine(directory, file);
        if (!File.Exists(path)) throw new FileNotFoundException($"{directory}: no {file} (is this a model directory written by edgebert-train?)", path);
        return path;
    }
}
