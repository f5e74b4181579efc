using System.Text.Json.Serialization;
using EdgeBert.Encoder;
using EdgeBert.Runtime;
using EdgeBert.Tooling;

namespace EdgeBert.Peers;

/// <summary>
/// The model every engine of the harness runs: BERT-base (12 layers, hidden 768, 12 heads, FFN
/// 3072, 30,522-token vocabulary, 512 positions) with <see cref="RandomBert"/>'s N(0, 0.02)
/// weights for one seed. Every scheme quantizes the same draws (RandomBert draws in a fixed order
/// whatever the scheme), so EdgeBert's FP32 model, the PyTorch reference loaded from its file and
/// the ONNX export share every weight, and the quantized schemes start from them.
/// </summary>
/// <param name="Layers">Encoder layers.</param>
/// <param name="Hidden">Hidden size.</param>
/// <param name="Heads">Attention heads.</param>
/// <param name="Ffn">FFN intermediate size.</param>
/// <param name="VocabularySize">Word embedding rows: the five BERT specials, then the words <c>w0</c>, <c>w1</c>, ….</param>
/// <param name="MaxPositions">Position embeddings (and the tokenizer's maximum length).</param>
/// <param name="Seed">Seed of the weight generator.</param>
internal sealed record BenchShape(
    [property: JsonPropertyName("layers")] int Layers,
    [property: JsonPropertyName("hidden")] int Hidden,
    [property: JsonPropertyName("heads")] int Heads,
    [property: JsonPropertyName("ffn")] int Ffn,
    [property: JsonPropertyName("vocabulary_size")] int VocabularySize,
    [property: JsonPropertyName("max_positions")] int MaxPositions,
    [property: JsonPropertyName("seed")] int Seed)
{
    /// <summary>Tokens before the first word: [PAD], [UNK], [CLS], [SEP], [MASK].</summary>
    internal const int SpecialTokens = 5;

    /// <summary>BERT-base with <paramref name="layers"/> encoder layers (12 is BERT-base).</summary>
    internal static BenchShape BertBase(int layers) => new(layers, 768, 12, 3072, 30522, 512, 1);

    /// <summary>Single-token words of the vocabulary.</summary>
    internal int Words => VocabularySize - SpecialTokens;

    /// <summary>The vocabulary: the specials, then <c>w0</c> .. <c>w{Words-1}</c> (word i has id i + 5).</summary>
    internal string[] Vocabulary() =>
        ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", .. Enumerable.Range(0, Words).Select(i => $"w{i}")];

    /// <summary>The random model in <paramref name="scheme"/> (two labels, GELU, pooler), as .ebm bytes.</summary>
    internal byte[] Build(LinearScheme scheme)
    {
        var writer = RandomBert.Build(new RandomBertOptions
        {
            Vocabulary = Vocabulary(),
            Layers = Layers,
            Hidden = Hidden,
            Heads = Heads,
            Ffn = Ffn,
            MaxPositions = MaxPositions,
            Labels = ["negative", "positive"],
            Seed = Seed,
            Scheme = scheme,
            Notes = "random weights for benchmarks/end-to-end.sh",
        });
        return writer.ToArray();
    }
}
