using EdgeBert.Encoder;
using EdgeBert.Encoder.Quantization;
using EdgeBert.Format;
using EdgeBert.Tooling;

namespace EdgeBert.Core.Tests.Model;

/// <summary>A random model's shape and schemes (small by default, for fast parity tests).</summary>
public sealed record RandomModelSpec
{
    public int Layers { get; init; } = 2;
    public int Hidden { get; init; } = 64;
    public int Heads { get; init; } = 4;
    public int Ffn { get; init; } = 128;
    public int MaxPositions { get; init; } = 16;
    public LinearScheme Scheme { get; init; } = LinearScheme.Fp32;
    /// <summary>Per-layer schemes; overrides <see cref="Scheme"/> when set.</summary>
    public LinearScheme[]? LayerSchemes { get; init; }
    public AttentionKind Attention { get; init; } = AttentionKind.Softmax;
    public FfnActivation Activation { get; init; } = FfnActivation.Gelu;
    public PoolingKind Pooling { get; init; } = PoolingKind.Pooler;
    public EbmDType WordEmbedding { get; init; } = EbmDType.F32;
    public string[] Labels { get; init; } = ["ham", "spam", "other"];
    public int Seed { get; init; } = 1;
    /// <summary>Dimensions per head when set (metadata headSize; heads × headSize may differ from hidden).</summary>
    public int? HeadSize { get; init; }
    /// <summary>BinaryBERT split model: every encoder linear and the pooler get BWN <c>weight</c> + <c>weight_split</c>, the word embedding two BWN row tables.</summary>
    public bool Split { get; init; }
    /// <summary>The dtype of <c>embeddings.word.split</c> in a split model (binary; another one to test rejection).</summary>
    public EbmDType WordSplit { get; init; } = EbmDType.Binary;
    /// <summary>Give every W1A4 linear a static LSQ step <c>act_scale</c> (this value × a random factor in [0.5, 1.5)).</summary>
    public float? ActScale { get; init; }

    public override string ToString() =>
        $"{Scheme}{(LayerSchemes is null ? "" : "[" + string.Join(",", LayerSchemes) + "]")} L{Layers} H{Hidden} A{Heads}{(HeadSize is int d ? "x" + d : "")} F{Ffn} {Attention} {Activation} {Pooling} word {WordEmbedding}{(Split ? " split" : "")}{(ActScale is float s ? $" lsq {s}" : "")} seed {Seed}";
}

/// <summary>Writes random models of every scheme through <see cref="EbmWriter"/> and <see cref="LinearExporter"/>.</summary>
internal static class RandomModels
{
    internal static readonly string[] Vocabulary =
    [
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "b", "c", "##a", "##b", "##s", "the", "spam", "ham", "free", "money",
        "click", "here", "hello", "meeting", "today", "win", "now", "offer", ".", ",", "!", "?", "is", "at", "for", "you",
    ];

    /// <param name="spec">The model.</param>
    /// <param name="headSizeInMetadata">Written as the metadata headSize instead of the spec's (a mismatch test).</param>
    /// <param name="dropSplit">Leave out the <c>weight_split</c> / <c>word.split</c> tensors of a split spec (same random draws).</param>
    /// <param name="extraActScale">Also write an <c>act_scale</c> of 0.1 under this name (a rejection test).</param>
    public static byte[] Build(RandomModelSpec spec, int? headSizeInMetadata = null, bool dropSplit = false, string? extraActScale = null)
    {
        var schemes = spec.LayerSchemes ?? Enumerable.Repeat(spec.Scheme, spec.Layers).ToArray();
        int h = spec.Hidden, f = spec.Ffn, v = Vocabulary.Length, a = spec.Heads * (spec.HeadSize ?? spec.Hidden / spec.Heads);
        var metadata = new EbmMetadata
        {
            Architecture = new BertArchitecture
            {
                VocabSize = v, HiddenSize = h, Layers = spec.Layers, Heads = spec.Heads, HeadSize = headSizeInMetadata ?? spec.HeadSize, FfnSize = f, MaxPositions = spec.MaxPositions,
                TypeVocabSize = 2, Activation = spec.Activation, Attention = spec.Attention, Pooling = spec.Pooling,
            },
            Layers = schemes.Select(s => LinearSchemes.ToLayer(s)).ToArray(),
            Labels = spec.Labels,
            Tokenizer = new TokenizerOptions { MaxLength = spec.MaxPositions },
            Provenance = new Provenance { TrainerVersion = "test", Notes = spec.ToString() },
        };
        var writer = new EbmWriter(metadata, Vocabulary);
        var random = new Random(spec.Seed);
        float[] Normal(int count, double std, double mean = 0)
        {
            var values = new float[count];
            for (int i = 0; i < count; i++)
            {
                double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
                values[i] = (float)(mean + std * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
            }
            return values;
        }
        void Linear(string prefix, LinearScheme scheme, int rows, int columns)
        {
            if (spec.ActScale is float step && scheme == LinearScheme.W1A4)
            {
                writer.AddF32(prefix + ".act_scale", [1], [step * (float)(0.5 + random.NextDouble())]);
            }
            if (spec.Split && scheme != LinearScheme.Fp32)
            {
                // Halves of a ternary-split weight: mostly opposite small values plus shared larger ones.
                LinearExporter.AddBinaryBwn(writer, prefix + ".weight", Normal(rows * columns, 0.5 / Math.Sqrt(columns)), rows, columns, perRow: false);
                float[] second = Normal(rows * columns, 0.5 / Math.Sqrt(columns));
                if (!dropSplit) LinearExporter.AddBinaryBwn(writer, prefix + ".weight_split", second, rows, columns, perRow: false);
                writer.AddF32(prefix + ".bias", [rows], Normal(rows, 0.1));
                return;
            }
            LinearExporter.AddLinear(writer, prefix, scheme, Normal(rows * columns, 1.0 / Math.Sqrt(columns)), rows, columns, Normal(rows, 0.1));
        }
        void LayerNorm(string prefix)
        {
            writer.AddF32($"{prefix}.gamma", [h], Normal(h, 0.1, 1.0));
            writer.AddF32($"{prefix}.beta", [h], Normal(h, 0.1));
        }

        float[] word = Normal(v * h, 0.5);
        if (spec.Split)
        {
            LinearExporter.AddBinaryBwn(writer, "embeddings.word", word, v, h, perRow: true);
            float[] second = Normal(v * h, 0.5);
            if (dropSplit) { }
            else if (spec.WordSplit == EbmDType.Binary) LinearExporter.AddBinaryBwn(writer, "embeddings.word.split", second, v, h, perRow: true);
            else writer.AddF32("embeddings.word.split", [v, h], second);
        }
        else switch (spec.WordEmbedding)
        {
            case EbmDType.Binary: LinearExporter.AddBinaryRows(writer, "embeddings.word", word, v, h); break;
            case EbmDType.Ternary: LinearExporter.AddTernaryRows(writer, "embeddings.word", word, v, h); break;
            default: writer.AddF32("embeddings.word", [v, h], word); break;
        }
        writer.AddF32("embeddings.position", [spec.MaxPositions, h], Normal(spec.MaxPositions * h, 0.2));
        writer.AddF32("embeddings.token_type", [2, h], Normal(2 * h, 0.2));
        LayerNorm("embeddings.ln");
        for (int i = 0; i < spec.Layers; i++)
        {
            foreach (string part in new[] { "query", "key", "value" }) Linear($"layer.{i}.attention.{part}", schemes[i], a, h);
            Linear($"layer.{i}.attention.output", schemes[i], h, a);
            LayerNorm($"layer.{i}.attention.ln");
            Linear($"layer.{i}.ffn.in", schemes[i], f, h);
            Linear($"layer.{i}.ffn.out", schemes[i], h, f);
            LayerNorm($"layer.{i}.ffn.ln");
        }
        Linear("pooler", schemes.Length == 0 ? LinearScheme.Fp32 : schemes[^1], h, h);
        if (spec.Labels.Length > 0) Linear("classifier", LinearScheme.Fp32, spec.Labels.Length, h);
        if (extraActScale is not null) writer.AddF32(extraActScale, [1], [0.1f]);
        return writer.ToArray();
    }

    /// <summary>Random token ids ([CLS] … [SEP]) of the given length, deterministic in the seed.</summary>
    public static int[] Tokens(int length, int seed)
    {
        var random = new Random(seed);
        var ids = new int[length];
        for (int i = 0; i < length; i++) ids[i] = random.Next(5, Vocabulary.Length);
        ids[0] = 2;
        ids[^1] = 3;
        return ids;
    }
}
