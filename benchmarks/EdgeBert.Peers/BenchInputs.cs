using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeBert.Peers;

/// <summary>One input sequence: the text EdgeBert tokenizes and the ids the peers are given.</summary>
/// <param name="Text">Words <c>w…</c> separated by spaces, one token each.</param>
/// <param name="Ids">[CLS], the words' ids, [SEP].</param>
internal sealed record BenchSequence(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("ids")] int[] Ids);

/// <summary>
/// The inputs every engine runs (written once by <c>prepare</c> to inputs.json, read by every
/// engine and by the Python peers): one sequence of <see cref="SingleTokens"/> tokens, and a batch
/// of <see cref="BatchSize"/> texts whose lengths are spread evenly over
/// [<see cref="ShortestTokens"/>, <see cref="SingleTokens"/>] in a shuffled order.
/// </summary>
/// <param name="Shape">The model the ids belong to.</param>
/// <param name="Single">The batch-1 sequence.</param>
/// <param name="Batch">The mixed-length batch.</param>
internal sealed record BenchInputs(
    [property: JsonPropertyName("shape")] BenchShape Shape,
    [property: JsonPropertyName("single")] BenchSequence Single,
    [property: JsonPropertyName("batch")] BenchSequence[] Batch)
{
    /// <summary>Tokens of the batch-1 sequence and of the batch's longest text ([CLS] and [SEP] included).</summary>
    internal const int SingleTokens = 128;

    /// <summary>Tokens of the batch's shortest text.</summary>
    internal const int ShortestTokens = 16;

    /// <summary>Texts in the batch.</summary>
    internal const int BatchSize = 32;

    private static readonly JsonSerializerOptions Compact = new();

    /// <summary>The inputs for <paramref name="shape"/>'s vocabulary; the same seed gives the same inputs.</summary>
    internal static BenchInputs Create(BenchShape shape, int seed)
    {
        var random = new Random(seed);
        BenchSequence Sequence(int tokens)
        {
            int[] words = Enumerable.Range(0, tokens - 2).Select(_ => random.Next(shape.Words)).ToArray();
            int[] ids = [2, .. words.Select(w => w + BenchShape.SpecialTokens), 3];
            return new BenchSequence(string.Join(' ', words.Select(w => $"w{w}")), ids);
        }
        var single = Sequence(SingleTokens);
        int[] lengths = Enumerable.Range(0, BatchSize)
            .Select(i => ShortestTokens + (SingleTokens - ShortestTokens) * i / (BatchSize - 1)).ToArray();
        random.Shuffle(lengths);
        return new BenchInputs(shape, single, lengths.Select(Sequence).ToArray());
    }

    /// <summary>Reads inputs.json.</summary>
    /// <exception cref="InvalidDataException">The file is not a document <see cref="Write"/> wrote.</exception>
    internal static BenchInputs Read(string path)
    {
        var inputs = JsonSerializer.Deserialize<BenchInputs>(File.ReadAllText(path));
        if (inputs?.Shape is null || inputs.Single?.Ids is not { Length: > 1 } || inputs.Batch is not { Length: > 0 } || inputs.Batch.Any(s => s?.Ids is not { Length: > 1 } || s.Text is null))
        {
            throw new InvalidDataException($"{path}: not an inputs document of `prepare` (single and batch sequences with text and ids)");
        }
        return inputs;
    }

    /// <summary>Writes inputs.json.</summary>
    internal void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Compact));

    /// <summary>Tokens in the batch (the work a padding-free engine does).</summary>
    internal int BatchTokens => Batch.Sum(s => s.Ids.Length);
}
