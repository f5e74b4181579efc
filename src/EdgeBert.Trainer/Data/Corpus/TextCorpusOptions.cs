namespace EdgeBert.Trainer.Data.Corpus;

/// <summary>What one unit of a plain-text corpus is.</summary>
public enum CorpusUnit
{
    /// <summary>Each non-blank line (State of the Union addresses: one address per line).</summary>
    Line,

    /// <summary>Runs of non-blank lines separated by blank lines, joined with spaces (Moby Dick).</summary>
    Paragraph,
}

/// <summary>Options of <see cref="TextCorpusReader"/>.</summary>
public sealed record TextCorpusOptions
{
    /// <summary>The unit read (default <see cref="CorpusUnit.Paragraph"/>).</summary>
    public CorpusUnit Unit { get; init; } = CorpusUnit.Paragraph;

    /// <summary>
    /// When positive, longer units are cut into chunks of at most this many chars, preferably after a
    /// sentence end, else at a space; 0 (default) keeps units whole. A whole State of the Union
    /// address is one line of tens of thousands of chars, far more than one MLM sequence.
    /// </summary>
    public int MaxChars { get; init; }

    /// <summary>File name pattern used when a directory is read (default <c>*.txt</c>).</summary>
    public string SearchPattern { get; init; } = "*.txt";
}
