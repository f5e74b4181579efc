namespace EdgeBert.Trainer.Data.SpamAssassin;

/// <summary>One imported SpamAssassin message.</summary>
/// <param name="Key">The split key: the Message-ID, or the file name when there is none.</param>
/// <param name="Source">Where the message came from (group/file name), for diagnostics.</param>
/// <param name="Label"><see cref="SpamAssassinImporter.Ham"/> or <see cref="SpamAssassinImporter.Spam"/>.</param>
/// <param name="Text">Subject and body text, normalised and capped.</param>
/// <param name="Split">The split the key hashes to.</param>
public sealed record SpamAssassinMessage(string Key, string Source, string Label, string Text, DataSplit Split)
{
    /// <summary>The message as a classification example.</summary>
    public LabeledExample ToExample() => new(Text, Label);
}
