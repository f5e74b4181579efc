namespace EdgeBert.Trainer.Data.Tasks;

/// <summary>
/// How to read a GLUE-style TSV file. Defaults fit SST-2 (<c>sentence</c>, <c>label</c>); for pairs
/// set <see cref="TextPair"/> (e.g. MNLI: sentence1, sentence2, gold_label; QQP: question1,
/// question2, is_duplicate); for header-less files such as CoLA use indices (CoLA: text 3, label 1).
/// </summary>
public sealed record TsvOptions
{
    /// <summary>Whether the first line is a header row (default true). Without one, columns need indices.</summary>
    public bool HasHeader { get; init; } = true;

    /// <summary>The text column (default <c>sentence</c>).</summary>
    public TsvColumn Text { get; init; } = TsvColumn.ByName("sentence");

    /// <summary>The second text of a sentence-pair task, or null for single sentences.</summary>
    public TsvColumn? TextPair { get; init; }

    /// <summary>The label column (default <c>label</c>).</summary>
    public TsvColumn Label { get; init; } = TsvColumn.ByName("label");
}
