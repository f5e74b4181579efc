namespace EdgeBert.Trainer.Data.SpamAssassin;

/// <summary>Options of the SpamAssassin import.</summary>
public sealed record SpamAssassinOptions
{
    /// <summary>
    /// Longest text kept, in chars (default 2000): far beyond the 128–512 tokens a BERT sees, so the
    /// cap only bounds memory and file size.
    /// </summary>
    public int MaxChars { get; init; } = 2000;

    /// <summary>Fraction of messages for the dev split (default 0.1).</summary>
    public double DevFraction { get; init; } = 0.1;

    /// <summary>Fraction of messages for the test split (default 0.1).</summary>
    public double TestFraction { get; init; } = 0.1;
}
