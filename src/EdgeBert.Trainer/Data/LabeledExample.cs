namespace EdgeBert.Trainer.Data;

/// <summary>
/// One labelled example of a classification task: a text, an optional second text (sentence-pair
/// tasks such as MNLI or QQP) and its label as written in the source (e.g. "spam", "1").
/// </summary>
/// <param name="Text">The (first) input text.</param>
/// <param name="Label">The label, as the source spells it.</param>
/// <param name="TextPair">The second text of a sentence-pair task; <c>null</c> for single sentences.</param>
public sealed record LabeledExample(string Text, string Label, string? TextPair = null)
{
    /// <summary>Which view of its source this is (e.g. "subject", "first25", "whole"), written as the JSONL <c>"view"</c>; null for none.</summary>
    public string? View { get; init; }
}
