using System.CommandLine;
using EdgeBert.Encoder;
using EdgeBert.Encoder.Quantization;
using EdgeBert.Format;

namespace EdgeBert.Trainer.Commands;

/// <summary>
/// <c>edgebert-train random-model</c>: writes a valid BERT model with random weights
/// (N(0, 0.02) like BERT's initialiser, LayerNorm gamma 1 and beta 0) and a small generated
/// vocabulary, so the runtime, benchmarks and the CLI can be exercised before a trained model
/// exists. <c>--scheme</c> quantizes every layer's linears (and the pooler) with the runtime's
/// rules (<see cref="LinearExporter"/>: TWN ternary, BiBERT binary, int8 per row); <c>w1a1</c>
/// also selects Bi-Attention and a binary word embedding, as BiBERT. The classifier stays FP32.
/// The same options and seed give the same bytes.
/// </summary>
public static class RandomModelCommand
{
    /// <summary>Options of a random model.</summary>
    public sealed record Options
    {
        /// <summary>Encoder layers.</summary>
        public int Layers { get; init; } = 2;

        /// <summary>Hidden size.</summary>
        public int Hidden { get; init; } = 64;

        /// <summary>Attention heads (divides <see cref="Hidden"/>).</summary>
        public int Heads { get; init; } = 2;

        /// <summary>FFN intermediate size.</summary>
        public int Ffn { get; init; } = 128;

        /// <summary>Dimensions per head, or 0 for Hidden / Heads (a width-pruned model has heads × headSize ≠ hidden).</summary>
        public int HeadSize { get; init; }

        /// <summary>Position embeddings.</summary>
        public int MaxPositions { get; init; } = 128;

        /// <summary>Class labels of the classifier head.</summary>
        public IReadOnlyList<string> Labels { get; init; } = ["ham", "spam"];

        /// <summary>Seed of the weight generator.</summary>
        public int Seed { get; init; } = 1;

        /// <summary>Scheme of every layer (and the pooler).</summary>
        public LinearScheme Scheme { get; init; } = LinearScheme.Fp32;

        /// <summary>FFN activation.</summary>
        public FfnActivation Activation { get; init; } = FfnActivation.Gelu;
    }

    internal static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Path of the .ebm file to write.", Required = true };
        var layers = new Option<int>("--layers") { Description = "Encoder layers.", DefaultValueFactory = _ => 2 };
        var hidden = new Option<int>("--hidden") { Description = "Hidden size.", DefaultValueFactory = _ => 64 };
        var heads = new Option<int>("--heads") { Description = "Attention heads.", DefaultValueFactory = _ => 2 };
        var ffn = new Option<int>("--ffn") { Description = "FFN intermediate size.", DefaultValueFactory = _ => 128 };
        var headSize = new Option<int>("--head-size") { Description = "Dimensions per head (0: hidden/heads; else heads × head size may differ from hidden).", DefaultValueFactory = _ => 0 };
        var positions = new Option<int>("--max-positions") { Description = "Position embeddings (longest input).", DefaultValueFactory = _ => 128 };
        var labels = new Option<string>("--labels") { Description = "Comma-separated class labels.", DefaultValueFactory = _ => "ham,spam" };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 1 };
        var scheme = new Option<string>("--scheme")
        {
            Description = "Quantization of every layer: fp32, w8a8, w2a8, w1a8, w1a4 or w1a1 (w1a1 adds Bi-Attention and a binary word embedding).",
            DefaultValueFactory = _ => "fp32",
        };
        scheme.AcceptOnlyFromAmong([.. LinearSchemes.All.Select(LinearSchemes.Name)]);
        var activation = new Option<string>("--activation") { Description = "FFN activation: gelu or relu.", DefaultValueFactory = _ => "gelu" };
        activation.AcceptOnlyFromAmong("gelu", "relu");
        var command = new Command("random-model", "Write a valid FP32 model with random weights (for testing the runtime).")
        {
            output, layers, hidden, heads, ffn, headSize, positions, labels, seed, scheme, activation,
        };
        command.SetAction(parseResult =>
        {
            var options = new Options
            {
                Layers = parseResult.GetValue(layers),
                Hidden = parseResult.GetValue(hidden),
                Heads = parseResult.GetValue(heads),
                Ffn = parseResult.GetValue(ffn),
                MaxPositions = parseResult.GetValue(positions),
                HeadSize = parseResult.GetValue(headSize),
                Labels = parseResult.GetValue(labels)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
                Seed = parseResult.GetValue(seed),
                Scheme = LinearSchemes.TryParse(parseResult.GetValue(scheme), out var parsed) ? parsed : LinearScheme.Fp32,
                Activation = parseResult.GetValue(activation) == "relu" ? FfnActivation.Relu : FfnActivation.Gelu,
            };
            string path = parseResult.GetValue(output)!;
            var writer = Build(options);
            string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (directory is not null) Directory.CreateDirectory(directory);
            writer.WriteTo(path);
            parseResult.InvocationConfiguration.Output.WriteLine(
                $"wrote {path}: {options.Layers} layers, hidden {options.Hidden}, heads {options.Heads}, ffn {options.Ffn}, " +
                $"scheme {LinearSchemes.Name(options.Scheme)}, {options.Activation.ToString().ToLowerInvariant()}, " +
                $"{Vocabulary().Count} tokens, labels {string.Join(",", options.Labels)}, seed {options.Seed}");
            return Program.ExitOk;
        });
        return command;
    }

    /// <summary>Builds the model; throws <see cref="ArgumentException"/> for impossible sizes.</summary>
    public static EbmWriter Build(Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        void Positive(int value, string name)
        {
            if (value < 1) throw new ArgumentException($"--{name} must be at least 1 (got {value})");
        }
        Positive(options.Layers, "layers");
        Positive(options.Hidden, "hidden");
        Positive(options.Heads, "heads");
        Positive(options.Ffn, "ffn");
        Positive(options.MaxPositions, "max-positions");
        if (options.HeadSize < 0) throw new ArgumentException($"--head-size must be at least 1, or 0 for hidden/heads (got {options.HeadSize})");
        if (options.HeadSize == 0 && options.Hidden % options.Heads != 0)
        {
            throw new ArgumentException($"--heads {options.Heads} must divide --hidden {options.Hidden}");
        }
        if (options.MaxPositions < 2) throw new ArgumentException("--max-positions must be at least 2 ([CLS] and [SEP])");

        var vocabulary = Vocabulary();
        int h = options.Hidden, f = options.Ffn, a = options.HeadSize > 0 ? options.Heads * options.HeadSize : h;
        bool bibert = options.Scheme == LinearScheme.W1A1;
        var method = options.Scheme switch
        {
            LinearScheme.Fp32 or LinearScheme.W8A8 => QuantMethod.None,
            LinearScheme.W2A8 => QuantMethod.TernaryBert,
            LinearScheme.W1A1 => QuantMethod.BiBert,
            _ => QuantMethod.BinaryBert,
        };
        var metadata = new EbmMetadata
        {
            Architecture = new BertArchitecture
            {
                VocabSize = vocabulary.Count,
                HiddenSize = h,
                Layers = options.Layers,
                Heads = options.Heads,
                HeadSize = options.HeadSize > 0 ? options.HeadSize : null,
                FfnSize = f,
                MaxPositions = options.MaxPositions,
                TypeVocabSize = 2,
                Activation = options.Activation,
                Attention = bibert ? AttentionKind.BiAttention : AttentionKind.Softmax,
            },
            Layers = Enumerable.Repeat(LinearSchemes.ToLayer(options.Scheme, method), options.Layers).ToArray(),
            Labels = options.Labels.ToArray(),
            Tokenizer = new TokenizerOptions { MaxLength = options.MaxPositions },
            Provenance = new Provenance
            {
                TrainerVersion = typeof(RandomModelCommand).Assembly.GetName().Version?.ToString() ?? "",
                Method = method,
                Notes = $"random weights (seed {options.Seed}, scheme {LinearSchemes.Name(options.Scheme)}): for testing only",
            },
        };
        var writer = new EbmWriter(metadata, vocabulary);
        var random = new Random(options.Seed);
        float[] Normal(int count)
        {
            // Box-Muller; System.Random with a seed is deterministic across runs.
            var values = new float[count];
            for (int i = 0; i < count; i++)
            {
                double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
                values[i] = (float)(0.02 * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
            }
            return values;
        }
        float[] Fill(int count, float value) => Enumerable.Repeat(value, count).ToArray();
        void Linear(string prefix, int rows, int columns, LinearScheme scheme) =>
            LinearExporter.AddLinear(writer, prefix, scheme, Normal(rows * columns), rows, columns, new float[rows]);
        void LayerNorm(string prefix)
        {
            writer.AddF32($"{prefix}.gamma", [h], Fill(h, 1f));
            writer.AddF32($"{prefix}.beta", [h], new float[h]);
        }

        float[] word = Normal(vocabulary.Count * h);
        if (bibert) LinearExporter.AddBinaryRows(writer, "embeddings.word", word, vocabulary.Count, h);
        else writer.AddF32("embeddings.word", [vocabulary.Count, h], word);
        writer.AddF32("embeddings.position", [options.MaxPositions, h], Normal(options.MaxPositions * h));
        writer.AddF32("embeddings.token_type", [2, h], Normal(2 * h));
        LayerNorm("embeddings.ln");
        for (int i = 0; i < options.Layers; i++)
        {
            foreach (string part in new[] { "query", "key", "value" }) Linear($"layer.{i}.attention.{part}", a, h, options.Scheme);
            Linear($"layer.{i}.attention.output", h, a, options.Scheme);
            LayerNorm($"layer.{i}.attention.ln");
            Linear($"layer.{i}.ffn.in", f, h, options.Scheme);
            Linear($"layer.{i}.ffn.out", h, f, options.Scheme);
            LayerNorm($"layer.{i}.ffn.ln");
        }
        Linear("pooler", h, h, options.Scheme);
        if (options.Labels.Count > 0) Linear("classifier", options.Labels.Count, h, LinearScheme.Fp32);
        return writer;
    }

    /// <summary>
    /// The generated vocabulary: the five BERT special tokens, single characters, their
    /// <c>##</c> continuations and some common English words. Fixed, so ids are stable.
    /// </summary>
    public static IReadOnlyList<string> Vocabulary()
    {
        var tokens = new List<string> { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" };
        const string characters = "abcdefghijklmnopqrstuvwxyz0123456789.,!?'\"-:;()$%&@/";
        foreach (char c in characters) tokens.Add(c.ToString());
        foreach (char c in characters.Where(char.IsLetterOrDigit)) tokens.Add("##" + c);
        string[] words =
        [
            "the", "of", "and", "to", "in", "is", "you", "that", "it", "he", "was", "for", "on", "are", "as", "with",
            "his", "they", "at", "be", "this", "have", "from", "or", "one", "had", "by", "word", "but", "not", "what",
            "all", "were", "we", "when", "your", "can", "said", "there", "use", "an", "each", "which", "she", "do",
            "how", "their", "if", "will", "up", "other", "about", "out", "many", "then", "them", "these", "so", "some",
            "her", "would", "make", "like", "him", "into", "time", "has", "look", "two", "more", "write", "go", "see",
            "free", "money", "click", "offer", "win", "now", "here", "email", "please", "thanks", "meeting", "today",
            "##s", "##ed", "##ing", "##ly", "##er", "##est",
        ];
        foreach (string w in words)
        {
            if (!tokens.Contains(w)) tokens.Add(w);
        }
        return tokens;
    }
}
