using EdgeBert.Encoder;
using EdgeBert.Runtime;
using EdgeBert.Tooling;

namespace EdgeBert.Cli.Bench;

/// <summary>
/// In-memory random BERT models, one scheme for every layer, for <c>edgebert bench --e2e</c>.
/// Built by Core's <see cref="RandomBert"/> (the exporter's quantizers, so the file is what a
/// trained model of that scheme looks like to the runtime), which the trainer's
/// <c>random-model</c> command also uses; here with a vocabulary of single-token words so that a
/// text of any length is easy to make. Random weights: the latencies are meaningful, the
/// predictions are not.
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
        var writer = RandomBert.Build(new RandomBertOptions
        {
            Vocabulary = Vocabulary(),
            Layers = layers,
            Hidden = hidden,
            Heads = heads,
            Ffn = ffn,
            MaxPositions = maxPositions,
            Labels = labels ?? ["negative", "positive"],
            Seed = seed,
            Scheme = scheme,
            Notes = "random weights for edgebert bench --e2e",
        });
        using var stream = new MemoryStream();
        writer.WriteTo(stream);
        return stream.ToArray();
    }
}
