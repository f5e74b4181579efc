using System.Text;
using System.Text.RegularExpressions;

namespace EdgeBert.Trainer.Data.SpamAssassin;

/// <summary>
/// Removes what the SpamAssassin corpus adds to its mails but a user's mail does not have, and what
/// therefore tells a model the label without reading the mail: the mailing lists' subject tags
/// ("[ILUG]", "[SAtalk]", "[zzzzteana]": most ham was collected from lists), the lists' footers
/// (Mailman's "… mailing list / listinfo" block, the ILUG signature, SourceForge's "This sf.net email
/// is sponsored by" and Yahoo! Groups' blocks) and SpamAssassin's own markers ("*****SPAM*****"
/// subjects, "SPAM: …" report lines). Applied to the subject and the body separately, before white
/// space is normalised (the footers are recognised by their lines).
/// </summary>
public static partial class CorpusArtefacts
{
    /// <summary>
    /// The subject without leading list tags and SpamAssassin's marker, however many and wherever
    /// they stand among the reply prefixes ("Re: [ILUG] Re: [ILUG] text" → "Re: Re: text").
    /// </summary>
    public static string CleanSubject(string subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        string previous;
        do
        {
            previous = subject;
            subject = LeadingTag().Replace(subject, "${prefix}", 1);
        }
        while (subject != previous);
        return subject.Trim();
    }

    /// <summary>The body without list footers and SpamAssassin report lines.</summary>
    public static string CleanBody(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var lines = body.Split('\n');
        var kept = new StringBuilder(body.Length);
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            // The lists append their footer last: everything after its first line goes.
            if (StartsFooter(lines, i)) break;
            if (IsListLine(line)) continue;
            kept.Append(line).Append('\n');
        }
        return kept.ToString();
    }

    /// <summary>Whether line <paramref name="i"/> opens a list footer (outside quoted text).</summary>
    private static bool StartsFooter(string[] lines, int i)
    {
        string line = lines[i].Trim();
        if (line.StartsWith('>')) return false;
        bool Within(int count, Func<string, bool> test)
        {
            for (int k = i + 1; k < lines.Length && k <= i + count; k++)
            {
                if (test(lines[k])) return true;
            }
            return false;
        }
        if (Rule(line, '_') && Within(3, l => l.Contains("mailing list", StringComparison.OrdinalIgnoreCase) || l.Contains("listinfo", StringComparison.OrdinalIgnoreCase))) return true;
        if (Rule(line, '-') && Within(2, l => l.Contains("sf.net email is sponsored", StringComparison.OrdinalIgnoreCase))) return true;
        if (line is "--" && Within(2, l => l.Contains("Irish Linux Users' Group", StringComparison.Ordinal))) return true;
        return line.Contains("Yahoo! Groups Sponsor", StringComparison.Ordinal)
            || line.StartsWith("To unsubscribe from this group, send an email to", StringComparison.Ordinal)
            || line.StartsWith("Irish Linux Users' Group:", StringComparison.Ordinal);
    }

    /// <summary>A line of at least 5 copies of <paramref name="c"/> (a separator rule).</summary>
    private static bool Rule(string line, char c) => line.Length >= 5 && line.AsSpan().IndexOfAnyExcept(c) < 0;

    /// <summary>Single lines that name a list or carry SpamAssassin's report, quoted or not.</summary>
    private static bool IsListLine(string line) =>
        line.Contains("/mailman/listinfo/", StringComparison.OrdinalIgnoreCase)
        || line.Contains("/lists/listinfo/", StringComparison.OrdinalIgnoreCase)
        || line.Contains("for (un)subscription information", StringComparison.Ordinal)
        || line.Contains("List maintainer: listmaster@", StringComparison.Ordinal)
        || line.Contains("Your use of Yahoo! Groups is subject to", StringComparison.Ordinal)
        || SpamAssassinReport().IsMatch(line);

    // "Re: ", "Fwd: ", "AW: " prefixes may precede a tag; a tag is [letters, digits, spaces, - _ . ] up to 40 chars.
    [GeneratedRegex(@"^(?<prefix>\s*(?:(?:re|fw|fwd|aw)\s*:\s*)*)(?:\[[\p{L}\p{N} _.\-]{1,40}\]|\*{3,}\s*SPAM\s*\*{3,})\s*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LeadingTag();

    [GeneratedRegex(@"^\s*>?\s*SPAM: ", RegexOptions.CultureInvariant)]
    private static partial Regex SpamAssassinReport();
}
