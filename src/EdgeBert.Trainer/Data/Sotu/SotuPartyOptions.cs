namespace EdgeBert.Trainer.Data.Sotu;

/// <summary>How <see cref="SotuPartyImporter"/> cuts addresses into labelled passages.</summary>
public sealed record SotuPartyOptions
{
    /// <summary>A passage ends at the first sentence end once it has at least this many words.</summary>
    public int PassageWords { get; init; } = 48;

    /// <summary>At most this many passages per address, spread evenly over it (0: all).</summary>
    public int MaxPassagesPerAddress { get; init; } = 40;

    /// <summary>Fraction of addresses in the dev split.</summary>
    public double DevFraction { get; init; } = 0.1;

    /// <summary>Fraction of addresses in the test split.</summary>
    public double TestFraction { get; init; } = 0.1;

    /// <summary>Throws when an option is out of range.</summary>
    /// <exception cref="ArgumentException">A non-positive passage length, a negative cap, or bad fractions.</exception>
    public void Validate()
    {
        if (PassageWords < 1) throw new ArgumentException($"--passage-words must be positive, got {PassageWords}.");
        if (MaxPassagesPerAddress < 0) throw new ArgumentException($"--max-passages must be 0 (all) or positive, got {MaxPassagesPerAddress}.");
        if (DevFraction is < 0 or > 1 || TestFraction is < 0 or > 1 || DevFraction + TestFraction > 1)
            throw new ArgumentException($"--dev and --test must lie in [0, 1] and sum to at most 1, got {DevFraction} and {TestFraction}.");
    }
}
