namespace EdgeBert.Trainer.Data.Prose;

/// <summary>
/// Short views cut from the bodies of training mails (issue 16): each mail of the <c>whole</c>
/// view gives up to <c>perMail</c> snippets of 1–3 of its sentences
/// (<see cref="ProseHamImporter.Snippets"/>, the same rule and word bounds as the prose ham), each
/// labelled with its mail's label and marked with the view <see cref="View"/>. A spam mail thus
/// teaches what a short spam text looks like ("Click below to claim your prize."), a ham mail what
/// a short everyday note looks like, which subject lines alone do not cover. Only the train split
/// is cut, so no view of a dev or test mail is ever trained on. Snippets are deduplicated over
/// the whole split (<see cref="ProseHamImporter.DedupKey"/>), and every mail draws from its own
/// seeded generator, so the result depends only on the seed and the mail's place in the file.
/// </summary>
public static class MailSnippets
{
    /// <summary>The view of a mail snippet.</summary>
    public const string View = "snippet";

    /// <summary>The view whose texts are cut (the whole mail).</summary>
    public const string SourceView = "whole";

    /// <summary>Cuts the snippets of the <c>whole</c> examples of <paramref name="train"/>; see the class summary.</summary>
    /// <param name="train">The train split.</param>
    /// <param name="perMail">Snippets per mail, at most.</param>
    /// <param name="options">Snippet rule, word bounds and seed.</param>
    /// <param name="labels">Cut only the mails with one of these labels (null: every mail). A sentence cut from a
    /// ham mail is ham; one cut from a spam mail may be an innocuous line that the spam label would teach as spam.</param>
    /// <exception cref="ArgumentException"><paramref name="perMail"/> is not positive, <paramref name="labels"/> is empty, or the options are invalid.</exception>
    public static IReadOnlyList<LabeledExample> Cut(IEnumerable<LabeledExample> train, int perMail, ProseHamOptions options, IReadOnlySet<string>? labels = null)
    {
        if (labels is { Count: 0 }) throw new ArgumentException("--labels names no label: give at least one, or leave it out to cut every mail.");
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        if (perMail < 1) throw new ArgumentException($"--per-mail must be at least 1 (got {perMail}).");
        options.Validate();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<LabeledExample>();
        int mail = 0;
        foreach (var example in train)
        {
            if (example.View != SourceView) continue;
            var random = new Random(ProseHamImporter.DerivedSeed(options.Seed, "mail|" + mail++));
            if (labels is not null && !labels.Contains(example.Label)) continue;
            var snippets = ProseHamImporter.Snippets(example.Text, options, random).ToArray();
            random.Shuffle(snippets);
            int taken = 0;
            foreach (var (text, _, _) in snippets)
            {
                if (taken == perMail) break;
                if (!seen.Add(ProseHamImporter.DedupKey(text))) continue;
                result.Add(new LabeledExample(text, example.Label) { View = View });
                taken++;
            }
        }
        return result;
    }
}
