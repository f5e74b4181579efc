using EdgeBert.Encoder;
using EdgeBert.Encoder.Quantization;
using EdgeBert.Format;

namespace EdgeBert.Tooling;

/// <summary>Options of <see cref="RandomBert.Build"/>; the same options give the same bytes.</summary>
public sealed record RandomBertOptions
{
    /// <summary>
    /// The vocabulary (must hold [PAD], [UNK], [CLS], [SEP] and [MASK]); its size is the word
    /// embedding's. Default: <see cref="RandomBert.DefaultVocabulary"/>.
    /// </summary>
    public IReadOnlyList<string> Vocabulary { get; init; } = RandomBert.DefaultVocabulary();

    /// <summary>Encoder layers.</summary>
    public int Layers { get; init; } = 2;

    /// <summary>Hidden size.</summary>
    public int Hidden { get; init; } = 64;

    /// <summary>Attention heads (divides <see cref="Hidden"/>).</summary>
    public int Heads { get; init; } = 2;

    /// <summary>Dimensions per head, or 0 for Hidden / Heads (a width-pruned model has heads × headSize ≠ hidden).</summary>
    public int HeadSize { get; init; }

    /// <summary>FFN intermediate size.</summary>
    public int Ffn { get; init; } = 128;

    /// <summary>Position embeddings, which is also the tokenizer's maximum length.</summary>
    public int MaxPositions { get; init; } = 128;

    /// <summary>Class labels of the FP32 classifier head; empty for an encoder-only model.</summary>
    public IReadOnlyList<string> Labels { get; init; } = ["ham", "spam"];

    /// <summary>Seed of the weight generator.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Scheme of every layer's linears and the pooler.</summary>
    public LinearScheme Scheme { get; init; } = LinearScheme.Fp32;

    /// <summary>FFN activation.</summary>
    public FfnActivation Activation { get; init; } = FfnActivation.Gelu;

    /// <summary>Provenance: the version of the program that wrote the file (empty when none).</summary>
    public string TrainerVersion { get; init; } = "";

    /// <summary>Provenance notes: say that the weights are random.</summary>
    public string Notes { get; init; } = "random weights: for testing only";
}

/// <summary>
/// Valid BERT models with random weights, for exercising the runtime before (or without) a
/// trained model: <c>edgebert-train random-model</c> writes them to disk and <c>edgebert bench
/// --e2e</c> times them. Weights are N(0, 0.02) like BERT's initialiser (LayerNorm gamma 1, beta
/// 0); every layer's linears and the pooler are quantized with the runtime's own rules
/// (<see cref="LinearExporter"/>: TWN ternary, BiBERT binary, int8 per row), so the file is what a
/// trained model of that scheme looks like to the runtime; W1A1 also selects Bi-Attention and a
/// binary word embedding, as BiBERT. The classifier stays FP32. The predictions mean nothing.
/// </summary>
public static class RandomBert
{
    /// <summary>The quantization method a file of one scheme records (TernaryBERT for W2A8, BiBERT for W1A1, BinaryBERT for W1A8/W1A4).</summary>
    public static QuantMethod MethodOf(LinearScheme scheme) => scheme switch
    {
        LinearScheme.Fp32 or LinearScheme.W8A8 => QuantMethod.None,
        LinearScheme.W2A8 => QuantMethod.TernaryBert,
        LinearScheme.W1A1 => QuantMethod.BiBert,
        _ => QuantMethod.BinaryBert,
    };

    /// <summary>Builds the model in a writer (nothing is written yet).</summary>
    /// <exception cref="ArgumentException">A size is below 1, the heads do not divide the hidden size, or fewer than 2 positions.</exception>
    public static EbmWriter Build(RandomBertOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Vocabulary);
        ArgumentNullException.ThrowIfNull(options.Labels);
        // Messages name the command-line options, which is where these values come from.
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

        var vocabulary = options.Vocabulary;
        int h = options.Hidden, f = options.Ffn, a = options.HeadSize > 0 ? options.Heads * options.HeadSize : h;
        bool bibert = options.Scheme == LinearScheme.W1A1;
        var method = MethodOf(options.Scheme);
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
            Labels = [.. options.Labels],
            Tokenizer = new TokenizerOptions { MaxLength = options.MaxPositions },
            Provenance = new Provenance { TrainerVersion = options.TrainerVersion, Method = method, Notes = options.Notes },
        };
        var writer = new EbmWriter(metadata, vocabulary);
        var random = new Random(options.Seed);
        float[] Normal(int count)
        {
            // Box-Muller; System.Random with a seed is deterministic across runs and machines.
            var values = new float[count];
            for (int i = 0; i < count; i++)
            {
                double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
                values[i] = (float)(0.02 * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
            }
            return values;
        }
        void Linear(string prefix, int rows, int columns, LinearScheme scheme) =>
            LinearExporter.AddLinear(writer, prefix, scheme, Normal(rows * columns), rows, columns, new float[rows]);
        void LayerNorm(string prefix)
        {
            writer.AddF32($"{prefix}.gamma", [h], Enumerable.Repeat(1f, h).ToArray());
            writer.AddF32($"{prefix}.beta", [h], new float[h]);
        }

        // The order of the Normal() draws fixes the weights for a seed: do not reorder.
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
    /// A small generated vocabulary: the five BERT special tokens, single characters, their
    /// <c>##</c> continuations and some common English words (any English text tokenizes without
    /// many [UNK]). Fixed, so ids are stable.
    /// </summary>
    public static IReadOnlyList<string> DefaultVocabulary()
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
