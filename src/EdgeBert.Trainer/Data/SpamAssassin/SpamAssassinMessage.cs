namespace EdgeBert.Trainer.Data.SpamAssassin;

/// <summary>One imported SpamAssassin message.</summary>
/// <param name="Key">The split key: the Message-ID, or the file name when there is none.</param>
/// <param name="Source">Where the message came from (group/file name), for diagnostics.</param>
/// <param name="Label"><see cref="SpamAssassinImporter.Ham"/> or <see cref="SpamAssassinImporter.Spam"/>.</param>
/// <param name="Text">Subject and body text, normalised and capped.</param>
/// <param name="Split">The split the key hashes to.</param>
/// <param name="Subject">The subject alone, normalised ("" when the mail has none).</param>
public sealed record SpamAssassinMessage(string Key, string Source, string Label, string Text, DataSplit Split, string Subject = "")
{
    /// <summary>The message as a classification example (the whole text, no view named).</summary>
    public LabeledExample ToExample() => new(Text, Label);

    /// <summary>
    /// The message's views as examples, each naming its view: <paramref name="options"/>' views in
    /// order, without a subject view when the subject is empty.
    /// </summary>
    public IEnumerable<LabeledExample> Views(SpamAssassinOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var view in options.Views)
        {
            string? text = view switch
            {
                MailView.Whole => Text,
                MailView.Subject => Subject.Length > 0 ? Subject : null,
                MailView.FirstWords => FirstWords(Text, options.FirstWords),
                _ => throw new ArgumentOutOfRangeException(nameof(options), view, "unknown view"),
            };
            if (text is not null) yield return new LabeledExample(text, Label) { View = options.ViewName(view) };
        }
    }

    /// <summary>The first <paramref name="count"/> space-separated words of normalised text.</summary>
    public static string FirstWords(string text, int count)
    {
        ArgumentNullException.ThrowIfNull(text);
        int at = -1;
        for (int words = 0; words < count; words++)
        {
            at = text.IndexOf(' ', at + 1);
            if (at < 0) return text;
        }
        return text[..at];
    }
}
