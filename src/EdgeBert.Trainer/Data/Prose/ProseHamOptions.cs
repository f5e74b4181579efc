namespace EdgeBert.Trainer.Data.Prose;

/// <summary>How <see cref="ProseHamImporter"/> cuts prose into snippets and samples them.</summary>
public sealed record ProseHamOptions
{
    /// <summary>Shortest snippet kept, in white-space separated words.</summary>
    public int MinWords { get; init; } = 3;

    /// <summary>Longest snippet kept, in white-space separated words (a short message).</summary>
    public int MaxWords { get; init; } = 40;

    /// <summary>Snippets in the train split, spread evenly over the corpora.</summary>
    public int TrainCount { get; init; } = 4000;

    /// <summary>Snippets in the dev split, spread evenly over the corpora.</summary>
    public int DevCount { get; init; } = 400;

    /// <summary>Fraction of each corpus's documents (files) in the dev split.</summary>
    public double DevFraction { get; init; } = 0.1;

    /// <summary>Seed of every random choice (document split, snippet lengths, sampling, shuffling).</summary>
    public int Seed { get; init; } = 42;

    /// <summary>
    /// File names (<c>*</c> and <c>?</c> wildcards) not read: by default <c>data.txt</c> (@stdlib's
    /// Moby Dick holds the whole book there as well as per chapter, which would put every chapter in
    /// both splits) and <c>contents.txt</c> (a table of contents).
    /// </summary>
    public IReadOnlyList<string> Exclude { get; init; } = ["data.txt", "contents.txt"];

    /// <summary>Throws when an option is out of range.</summary>
    /// <exception cref="ArgumentException">Bad word bounds, negative counts, or a dev fraction outside [0, 1].</exception>
    public void Validate()
    {
        if (MinWords < 1) throw new ArgumentException($"--min-words must be at least 1 (got {MinWords}).");
        if (MaxWords < MinWords) throw new ArgumentException($"--max-words must be at least --min-words ({MinWords}), got {MaxWords}.");
        if (TrainCount < 0) throw new ArgumentException($"--train-count must not be negative (got {TrainCount}).");
        if (DevCount < 0) throw new ArgumentException($"--dev-count must not be negative (got {DevCount}).");
        if (DevFraction is < 0 or > 1 || double.IsNaN(DevFraction)) throw new ArgumentException($"--dev-fraction must lie in [0, 1] (got {DevFraction}).");
    }
}
