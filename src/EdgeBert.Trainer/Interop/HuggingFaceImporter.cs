using System.Text.Json;
using EdgeBert.Text;
using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Torch;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Interop;

/// <summary>
/// Reads a HuggingFace BERT checkpoint directory (<c>config.json</c>, <c>vocab.txt</c>,
/// <c>model.safetensors</c>) into a trainer <see cref="TorchBertModel"/>, renaming HF tensors
/// (<c>bert.encoder.layer.0.attention.self.query.weight</c> → <c>layer.0.attention.query.weight</c>,
/// <c>bert.pooler.dense.weight</c> → <c>pooler.weight</c>, <c>cls.predictions.*</c> → <c>mlm.*</c>).
/// The <c>bert.</c> prefix is optional (bare BertModel checkpoints); old <c>gamma</c>/<c>beta</c>
/// LayerNorm names are accepted. Nothing is downloaded.
/// </summary>
public static class HuggingFaceImporter
{
    /// <summary>Reads the checkpoint in <paramref name="directory"/>; returns the model and its vocabulary.</summary>
    /// <exception cref="FileNotFoundException">A required file is missing.</exception>
    /// <exception cref="InvalidDataException">The config is unsupported or a tensor is missing, unknown or mis-shaped.</exception>
    public static (TorchBertModel Model, WordPieceVocabulary Vocabulary) Import(string directory, long seed = 1)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string configPath = Require(directory, "config.json");
        string vocabPath = Require(directory, "vocab.txt");
        string weightsPath = Require(directory, "model.safetensors");
        WordPieceVocabulary vocabulary = WordPieceVocabulary.Load(vocabPath);
        Dictionary<string, SafeTensor> hf = SafeTensors.Read(weightsPath);
        BertConfig config = ReadConfig(configPath, hf);
        if (config.VocabSize != vocabulary.Count)
        {
            throw new InvalidDataException($"{configPath}: vocab_size {config.VocabSize} differs from the {vocabulary.Count} tokens of vocab.txt.");
        }

        var renamed = new Dictionary<string, SafeTensor>(StringComparer.Ordinal);
        foreach ((string name, SafeTensor tensor) in hf)
        {
            string? ours = Rename(name);
            if (ours is null) continue;
            if (!renamed.TryAdd(ours, tensor)) throw new InvalidDataException($"{weightsPath}: two tensors map to '{ours}' (one is '{name}').");
        }

        random.manual_seed(seed);
        var model = new TorchBertModel(config);
        var weights = model.NamedWeights().ToDictionary(w => w.Name, w => w.Parameter, StringComparer.Ordinal);
        foreach (string name in renamed.Keys.Where(n => n.StartsWith("classifier.", StringComparison.Ordinal) && !weights.ContainsKey(n)).ToList()) renamed.Remove(name);
        foreach ((string name, Tensor p) in weights)
        {
            // Heads the checkpoint lacks (the MLM transform, a new classifier) keep their fresh initialisation.
            bool head = name.StartsWith("mlm.", StringComparison.Ordinal) || name.StartsWith("classifier.", StringComparison.Ordinal);
            if (head && !renamed.ContainsKey(name)) renamed[name] = new SafeTensor("F32", TorchTensors.Shape(p), TorchTensors.ToFloats(p));
        }
        model.LoadWeights(renamed, weightsPath);
        return (model, vocabulary);
    }

    /// <summary>Our name for an HF tensor name, or null for tensors the trainer does not use (tied decoder, position ids, NSP head).</summary>
    public static string? Rename(string hfName)
    {
        ArgumentNullException.ThrowIfNull(hfName);
        string n = hfName.StartsWith("bert.", StringComparison.Ordinal) ? hfName["bert.".Length..] : hfName;
        n = n.Replace("LayerNorm.weight", "ln.gamma", StringComparison.Ordinal)
             .Replace("LayerNorm.bias", "ln.beta", StringComparison.Ordinal)
             .Replace("LayerNorm.gamma", "ln.gamma", StringComparison.Ordinal)
             .Replace("LayerNorm.beta", "ln.beta", StringComparison.Ordinal);
        if (n is "embeddings.position_ids" or "cls.predictions.decoder.weight" or "cls.predictions.decoder.bias"
            || n.StartsWith("cls.seq_relationship", StringComparison.Ordinal))
        {
            return null;
        }

        if (n.StartsWith("embeddings.", StringComparison.Ordinal))
        {
            return n switch
            {
                "embeddings.word_embeddings.weight" => "embeddings.word",
                "embeddings.position_embeddings.weight" => "embeddings.position",
                "embeddings.token_type_embeddings.weight" => "embeddings.token_type",
                _ => n,
            };
        }

        if (n.StartsWith("encoder.layer.", StringComparison.Ordinal))
        {
            n = n["encoder.".Length..];
            return n.Replace(".attention.self.", ".attention.", StringComparison.Ordinal)
                    .Replace(".attention.output.dense.", ".attention.output.", StringComparison.Ordinal)
                    .Replace(".attention.output.ln.", ".attention.ln.", StringComparison.Ordinal)
                    .Replace(".intermediate.dense.", ".ffn.in.", StringComparison.Ordinal)
                    .Replace(".output.dense.", ".ffn.out.", StringComparison.Ordinal)
                    .Replace(".output.ln.", ".ffn.ln.", StringComparison.Ordinal);
        }

        return n switch
        {
            "pooler.dense.weight" => "pooler.weight",
            "pooler.dense.bias" => "pooler.bias",
            "cls.predictions.transform.dense.weight" => "mlm.transform.weight",
            "cls.predictions.transform.dense.bias" => "mlm.transform.bias",
            "cls.predictions.transform.ln.gamma" => "mlm.ln.gamma",
            "cls.predictions.transform.ln.beta" => "mlm.ln.beta",
            "cls.predictions.bias" => "mlm.bias",
            _ => n,
        };
    }

    private static BertConfig ReadConfig(string path, IReadOnlyDictionary<string, SafeTensor> tensors)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(path));
            JsonElement root = doc.RootElement;
            int Int(string name) => root.TryGetProperty(name, out JsonElement e) ? e.GetInt32() : throw new InvalidDataException($"{path}: '{name}' is missing.");
            string? Str(string name) => root.TryGetProperty(name, out JsonElement e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
            string? modelType = Str("model_type");
            if (modelType is not null && modelType != "bert") throw new InvalidDataException($"{path}: model_type '{modelType}' is not supported (only bert).");
            string activation = Str("hidden_act") ?? "gelu";
            if (activation is not "gelu") throw new InvalidDataException($"{path}: hidden_act '{activation}' is not supported (only gelu).");
            string[] labels = [];
            if (root.TryGetProperty("id2label", out JsonElement id2label) && id2label.ValueKind == JsonValueKind.Object
                && (tensors.ContainsKey("classifier.weight") || tensors.ContainsKey("bert.classifier.weight")))
            {
                labels = [.. id2label.EnumerateObject().OrderBy(p => int.Parse(p.Name, System.Globalization.CultureInfo.InvariantCulture)).Select(p => p.Value.GetString() ?? p.Name)];
            }

            int positions = Int("max_position_embeddings");
            return new BertConfig
            {
                VocabSize = Int("vocab_size"),
                Hidden = Int("hidden_size"),
                Layers = Int("num_hidden_layers"),
                Heads = Int("num_attention_heads"),
                Ffn = Int("intermediate_size"),
                MaxPositions = positions,
                TypeVocabSize = root.TryGetProperty("type_vocab_size", out JsonElement t) ? t.GetInt32() : 2,
                HiddenDropout = root.TryGetProperty("hidden_dropout_prob", out JsonElement hd) ? hd.GetSingle() : 0.1f,
                AttentionDropout = root.TryGetProperty("attention_probs_dropout_prob", out JsonElement ad) ? ad.GetSingle() : 0.1f,
                LayerNormEps = root.TryGetProperty("layer_norm_eps", out JsonElement eps) ? eps.GetSingle() : 1e-12f,
                Labels = labels,
                Lowercase = !(root.TryGetProperty("do_lower_case", out JsonElement lc) && lc.ValueKind == JsonValueKind.False),
                MaxSequenceLength = Math.Min(positions, 512),
            };
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or ArgumentException)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    private static string Require(string directory, string file)
    {
        string path = Path.Combine(directory, file);
        if (!File.Exists(path)) throw new FileNotFoundException($"{directory}: no {file} (a HuggingFace BERT checkpoint needs config.json, vocab.txt and model.safetensors).", path);
        return path;
    }
}
