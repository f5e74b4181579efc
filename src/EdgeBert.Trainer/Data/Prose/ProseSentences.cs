using System.Text.RegularExpressions;

namespace EdgeBert.Trainer.Data.Prose;

/// <summary>
/// Cuts plain prose into paragraphs and sentences with a simple, predictable rule.
/// <para>Paragraphs: runs of lines between blank lines. A line without letters (<c>* * *</c>, page
/// numbers), a heading (a line starting with <c>Chapter</c> (any case), <c>BOOK</c>, <c>PART</c> or <c>VOLUME</c> and a number,
/// or a line with no lower-case letter, such as <c>ETYMOLOGY.</c>) is dropped and also ends its
/// paragraph. White space inside a paragraph is collapsed to single spaces.</para>
/// <para>Sentences: a sentence ends at <c>.</c>, <c>!</c> or <c>?</c> (more of them, and closing
/// quotes or brackets, may follow) that is followed by white space and then an upper-case letter
/// or an opening quote or bracket. A period does not end a sentence after a common abbreviation
/// (<see cref="Abbreviations"/>: Mr., Mrs., Dr., St., Gen., …), after a single letter (an initial:
/// <c>J. Smith</c>) or after dotted initials (<c>U.S.</c>), so "the U.S. Government" stays whole
/// and, rarely, "… the U.S. We …" is not split.</para>
/// </summary>
public static partial class ProseSentences
{
    /// <summary>Words (case as written, without the period) after which a period does not end a sentence.</summary>
    public static IReadOnlySet<string> Abbreviations { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "Mr", "Mrs", "Ms", "Messrs", "Mme", "Dr", "St", "Jr", "Sr", "Rev", "Hon", "Prof", "Gen", "Col", "Maj",
        "Capt", "Lt", "Sgt", "Cmdr", "Adm", "Gov", "Sen", "Rep", "Pres", "Mt", "Ft", "No", "Nos", "Vol", "Art",
        "Sec", "Co", "Corp", "Inc", "Ltd", "vs", "viz", "cf", "approx", "Jan", "Feb", "Mar", "Apr", "Aug",
        "Sept", "Sep", "Oct", "Nov", "Dec",
    };

    private const string ClosingMarks = "\"'”’)]";
    private const string OpeningMarks = "\"'“‘([";

    /// <summary>The paragraphs of a text (see the class summary), white space collapsed.</summary>
    public static IReadOnlyList<string> Paragraphs(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var paragraphs = new List<string>();
        var current = new List<string>();
        foreach (string line in text.ReplaceLineEndings("\n").Split('\n'))
        {
            if (string.IsNullOrWhiteSpace(line) || IsHeadingOrNoise(line))
            {
                Flush(current, paragraphs);
                continue;
            }
            current.Add(line);
        }
        Flush(current, paragraphs);
        return paragraphs;
    }

    /// <summary>Whether a line is dropped: no letters, or a heading (see the class summary).</summary>
    public static bool IsHeadingOrNoise(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (!line.Any(char.IsLetter) || !line.Any(char.IsLower)) return true;
        return HeadingPattern().IsMatch(line);
    }

    /// <summary>The sentences of one paragraph (white space collapsed first), in order.</summary>
    public static IReadOnlyList<string> Sentences(string paragraph)
    {
        ArgumentNullException.ThrowIfNull(paragraph);
        string text = TextNormalizer.Normalize(paragraph);
        var sentences = new List<string>();
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] is not ('.' or '!' or '?')) continue;
            int end = i + 1;
            while (end < text.Length && (text[end] is '.' or '!' or '?' || ClosingMarks.Contains(text[end]))) end++;
            if (end + 1 >= text.Length || text[end] != ' ' || !StartsSentence(text[end + 1])) continue;
            if (text[i] == '.' && IsAbbreviation(text, start, i)) continue;
            sentences.Add(text[start..end]);
            start = end + 1;
            i = end;
        }
        if (start < text.Length) sentences.Add(text[start..]);
        return sentences;
    }

    /// <summary>The number of white-space separated words of a normalised text.</summary>
    public static int WordCount(string normalized)
    {
        ArgumentNullException.ThrowIfNull(normalized);
        return normalized.Length == 0 ? 0 : normalized.Count(c => c == ' ') + 1;
    }

    private static bool StartsSentence(char c) => char.IsUpper(c) || OpeningMarks.Contains(c);

    /// <summary>Whether the word ending with the period at <paramref name="period"/> is an abbreviation or an initial.</summary>
    private static bool IsAbbreviation(string text, int sentenceStart, int period)
    {
        if (period <= sentenceStart) return false;
        int wordStart = text.LastIndexOf(' ', period - 1, period - sentenceStart) + 1;
        if (wordStart < sentenceStart) wordStart = sentenceStart;
        string word = text[wordStart..period].TrimStart(OpeningMarks.ToCharArray());
        if (word.Length == 0) return false;
        if (Abbreviations.Contains(word)) return true;
        // An initial ("J") or dotted initials ("U.S", "D.C"): every dot-separated part one letter.
        return word.Split('.').All(part => part.Length == 1 && char.IsLetter(part[0]));
    }

    private static void Flush(List<string> lines, List<string> paragraphs)
    {
        if (lines.Count == 0) return;
        paragraphs.Add(TextNormalizer.Normalize(string.Join(' ', lines)));
        lines.Clear();
    }

    [GeneratedRegex(@"^\s*((?i:chapter)|BOOK|PART|VOLUME)\s+([0-9]+|[IVXLCDM]+)\b", RegexOptions.CultureInvariant)]
    private static partial Regex HeadingPattern();
}
