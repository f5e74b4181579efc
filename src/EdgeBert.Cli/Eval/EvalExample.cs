namespace EdgeBert.Cli.Eval;

/// <summary>
/// One labelled text of an evaluation file; <see cref="Line"/> is its 1-based line for messages;
/// <see cref="View"/> is the JSONL <c>"view"</c> member (e.g. subject, first25, whole), if any.
/// </summary>
internal readonly record struct EvalExample(string Text, string Label, long Line, string? View = null);
