using EdgeBert.Encoder;
using EdgeBert.Encoder.Quantization;
using EdgeBert.Format;

namespace EdgeBert.Cli.Bench;

/// <summary>
/// In-memory random BERT models, one scheme for every layer, for <c>edgebert bench --e2e</c>.
/// Built through Core's writer and <see cref="LinearExporter"/> (the exporter's quantizers, so
/// the file is what a trained model of that scheme looks like to the runtime); the CLI does not
/// reference the trainer, whose <c>random-model</c> command writes the same kind of file to disk.
/// Random weights: the latencies are meaningful, the predictions are not.
/// </summary>
internal static class RandomBenchModel
{
    /// <summary>Words of the generated vocabulary: "w0" ... each a single WordPiece token.</summary>
    internal const int Words = 1000;

    /// <summary>The vocabulary: the five BERT specials, then <c>w0</c> .. <c>w{Words-1}</c>.</summary>
    internal static string[] Vocabulary() =>
        ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", .. Enumerable.Range(0, Words).Select(i => $"w{i}")];

    /// <summary>A text that tokenizes to exactly <paramref name="tokens"/> ids, [CLS] and [SEP] included.</summary>
    internal static string Text(int tokens) => string.Join(' ', Enumerable.Range(0, tokens - 2).Select(i => $"w{i * 37 % Words}"));

    /// <summary>The .ebm bytes of a model with BERT-base widths by default (no <paramref name="labels"/>: encoder only).</summary>
    internal static byte[] Build(LinearScheme scheme, int layers, int maxPositions, int hidden = 768, int heads = 12, int ffn = 3072, int seed = 1,
        IReadOnlyList<string>? labels = null)
    {
        labels ??= ["negative", "positive"];
        var vocabulary = Vocabulary();
        bool bibert = scheme == LinearScheme.W1A1;
        var method = scheme switch
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
                VocabSize = vocabulary.Length, HiddenSize = hidden, Layers = layers, Heads = heads, FfnSize = ffn,
                MaxPositions = maxPositions, Attention = bibert ? AttentionKind.BiAttention : AttentionKind.Softmax,
            },
            Layers = Enumerable.Repeat(LinearSchemes.ToLayer(scheme, method), layers).ToArray(),
            Labels = [.. labels],
            Tokenizer = new TokenizerOptions { MaxLength = maxPositions },
            Provenance = new Provenance { Method = method, Notes = "random weights for edgebert bench --e2e" },
        };
        var writer = new EbmWriter(metadata, vocabulary);
        var random = new Random(seed);
        float[] Normal(int count)
        {
            // N(0, 0.02) as BERT's initializer, by Box-Muller: deterministic for a seed.
            var values = new float[count];
            for (int i = 0; i < count; i++)
            {
                double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
                values[i] = (float)(0.02 * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
            }
            return values;
        }
        void Linear(string prefix, int rows, int columns, LinearScheme s) =>
            LinearExporter.AddLinear(writer, prefix, s, Normal(rows * columns), rows, columns, new float[rows]);
        void LayerNorm(string prefix)
        {
            writer.AddF32($"{prefix}.gamma", [hidden], Enumerable.Repeat(1f, hidden).ToArray());
            writer.AddF32($"{prefix}.beta", [hidden], new float[hidden]);
        }

        float[] word = Normal(vocabulary.Length * hidden);
        if (bibert) LinearExporter.AddBinaryRows(writer, "embeddings.word", word, vocabulary.Length, hidden);
        else writer.AddF32("embeddings.word", [vocabulary.Length, hidden], word);
        writer.AddF32("embeddings.position", [maxPositions, hidden], Normal(maxPositions * hidden));
        writer.AddF32("embeddings.token_type", [2, hidden], Normal(2 * hidden));
        LayerNorm("embeddings.ln");
        for (int i = 0; i < layers; i++)
        {
            foreach (string part in new[] { "query", "key", "value", "output" }) Linear($"layer.{i}.attention.{part}", hidden, hidden, scheme);
            LayerNorm($"layer.{i}.attention.ln");
            Linear($"layer.{i}.ffn.in", ffn, hidden, scheme);
            Linear($"layer.{i}.ffn.out", hidden, ffn, scheme);
            LayerNorm($"layer.{i}.ffn.ln");
        }
        Linear("pooler", hidden, hidden, scheme);
        if (labels.Count > 0) Linear("classifier", labels.Count, hidden, LinearScheme.Fp32);
        using var stream = new MemoryStream();
        writer.WriteTo(stream);
        return stream.ToArray();
    }
}
