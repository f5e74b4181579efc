namespace EdgeBert.Cli.Eval;

/// <summary>One labelled text of an evaluation file; <see cref="Line"/> is its 1-based line for messages.</summary>
internal readonly record struct EvalExample(string Text, string Label, long Line);
