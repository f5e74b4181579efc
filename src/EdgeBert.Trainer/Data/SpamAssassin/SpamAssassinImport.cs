namespace EdgeBert.Trainer.Data.SpamAssassin;

/// <summary>The result of a SpamAssassin import: kept messages in source order and counters.</summary>
public sealed class SpamAssassinImport
{
    internal SpamAssassinImport(IReadOnlyList<SpamAssassinMessage> messages, int filesRead, int empty, int duplicates,
        int labelConflicts)
    {
        Messages = messages;
        FilesRead = filesRead;
        EmptySkipped = empty;
        DuplicatesSkipped = duplicates;
        LabelConflicts = labelConflicts;
    }

    /// <summary>Kept messages (deduplicated, non-empty) in the deterministic source order.</summary>
    public IReadOnlyList<SpamAssassinMessage> Messages { get; }

    /// <summary>Number of message files read.</summary>
    public int FilesRead { get; }

    /// <summary>Messages dropped because no text remained after extraction.</summary>
    public int EmptySkipped { get; }

    /// <summary>Messages dropped because an earlier message had the same text.</summary>
    public int DuplicatesSkipped { get; }

    /// <summary>Of the duplicates, those whose earlier copy had the other label (the first one wins).</summary>
    public int LabelConflicts { get; }

    /// <summary>The messages of one split as examples.</summary>
    public IReadOnlyList<LabeledExample> Examples(DataSplit split) =>
        Messages.Where(m => m.Split == split).Select(m => m.ToExample()).ToList();

    /// <summary>Every view (<see cref="SpamAssassinOptions.Views"/>) of every message of one split, message by message.</summary>
    public IReadOnlyList<LabeledExample> ViewExamples(DataSplit split, SpamAssassinOptions options) =>
        Messages.Where(m => m.Split == split).SelectMany(m => m.Views(options)).ToList();

    /// <summary>Number of kept messages with the given label.</summary>
    public int Count(string label) => Messages.Count(m => m.Label == label);

    /// <summary>Number of kept messages in the given split.</summary>
    public int Count(DataSplit split) => Messages.Count(m => m.Split == split);
}
