namespace EdgeBert.Trainer.Data.SpamAssassin;

/// <summary>
/// A view of a mail: what of it a user may give a classifier. Every view of a mail carries the
/// mail's label and goes to the mail's split (by its message id), so no view of a test mail is trained on.
/// </summary>
public enum MailView
{
    /// <summary>Subject and body, as imported (<c>"whole"</c>).</summary>
    Whole,
    /// <summary>The subject line only (<c>"subject"</c>); a mail without one has no such view.</summary>
    Subject,
    /// <summary>The first <see cref="SpamAssassinOptions.FirstWords"/> words of the whole text (<c>"first25"</c> for 25).</summary>
    FirstWords,
}
