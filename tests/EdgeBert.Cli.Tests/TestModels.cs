using EdgeBert.Format;

namespace EdgeBert.Cli.Tests;

/// <summary>Small .ebm files for the command tests (zero weights: these tests exercise the CLI, not the encoder).</summary>
internal static class TestModels
{
    /// <summary>Vocabulary of <see cref="TokenizerModel"/>: ids are the indexes.</summary>
    internal static readonly string[] Vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "win", "a", "free", "prize", "now", "##s", "café"];

    /// <summary>An encoder-only model whose tokenizer lowercases, keeps accents and stops at <paramref name="maxLength"/> tokens.</summary>
    internal static byte[] TokenizerModel(int maxLength = 16)
    {
        const int h = 64;
        var metadata = new EbmMetadata
        {
            Architecture = new BertArchitecture { VocabSize = Vocabulary.Length, HiddenSize = h, Layers = 1, Heads = 4, FfnSize = 128, MaxPositions = 32 },
            Layers = [new LayerScheme { WeightBits = 32, ActivationBits = 32, Method = QuantMethod.None }],
            Tokenizer = new TokenizerOptions { MaxLength = maxLength, Lowercase = true, StripAccents = false },
        };
        var writer = new EbmWriter(metadata, Vocabulary);
        writer.AddF32("embeddings.word", [Vocabulary.Length, h], new float[Vocabulary.Length * h]);
        using var stream = new MemoryStream();
        writer.WriteTo(stream);
        return stream.ToArray();
    }
}
