using EdgeBert.Text;
using EdgeBert.Trainer.Commands;
using EdgeBert.Trainer.Data;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Training;

namespace EdgeBert.Trainer.Tests.Training;

/// <summary>A tiny spam/ham task and model configuration that train in well under a second.</summary>
internal static class Tiny
{
    public static WordPieceVocabulary Vocabulary { get; } = WordPieceVocabulary.FromLines(RandomModelCommand.Vocabulary());

    public static readonly string[] Labels = ["ham", "spam"];

    public static LabeledExample[] Examples { get; } =
    [
        new("free money click now", "spam"),
        new("win free money today", "spam"),
        new("click here to win", "spam"),
        new("free offer please click", "spam"),
        new("thanks for the meeting today", "ham"),
        new("see you at the meeting", "ham"),
        new("he said that he will write", "ham"),
        new("we had time to look at it", "ham"),
    ];

    public static BertConfig Config(float dropout = 0f, string[]? labels = null) => new()
    {
        VocabSize = Vocabulary.Count,
        Layers = 1,
        Hidden = 16,
        Heads = 2,
        Ffn = 32,
        MaxPositions = 16,
        MaxSequenceLength = 16,
        HiddenDropout = dropout,
        AttentionDropout = dropout,
        Labels = labels ?? Labels,
    };

    public static List<EncodedExample> Encoded(BertConfig config) =>
        ExampleEncoder.Encode(Examples, ExampleEncoder.Tokenizer(Vocabulary, config), Labels);

    public static string JsonLines(IEnumerable<LabeledExample> examples) =>
        string.Join('\n', examples.Select(e => $"{{\"text\":\"{e.Text}\",\"label\":\"{e.Label}\"}}")) + "\n";
}
