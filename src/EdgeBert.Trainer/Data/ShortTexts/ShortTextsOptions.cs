namespace EdgeBert.Trainer.Data.ShortTexts;

/// <summary>Selection rules of <see cref="ShortTextsImporter"/>.</summary>
public sealed class ShortTextsOptions
{
    /// <summary>Longest text kept, in white-space separated words (default 40: a short message).</summary>
    public int MaxWords { get; init; } = 40;

    /// <summary>Throws <see cref="ArgumentException"/> for an option out of range.</summary>
    public void Validate()
    {
        if (MaxWords < 1) throw new ArgumentException($"--max-words must be at least 1 (got {MaxWords}).");
    }
}
