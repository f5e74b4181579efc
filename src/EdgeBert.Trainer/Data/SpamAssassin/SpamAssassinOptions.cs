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

    /// <summary>Remove the corpus's label-leaking artefacts (<see cref="CorpusArtefacts"/>; default true).</summary>
    public bool RemoveArtefacts { get; init; } = true;

    /// <summary>The views of each mail written to every split (default: whole, subject, first words), in this order.</summary>
    public IReadOnlyList<MailView> Views { get; init; } = [MailView.Whole, MailView.Subject, MailView.FirstWords];

    /// <summary>Words in the <see cref="MailView.FirstWords"/> view (default 25).</summary>
    public int FirstWords { get; init; } = 25;

    /// <summary>The name of <paramref name="view"/> in the files' <c>"view"</c> member: whole, subject, first25.</summary>
    public string ViewName(MailView view) => view switch
    {
        MailView.Whole => "whole",
        MailView.Subject => "subject",
        MailView.FirstWords => "first" + FirstWords.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => throw new ArgumentOutOfRangeException(nameof(view), view, "unknown view"),
    };
}
