using System.Text;

namespace EdgeBert.Trainer.Data;

/// <summary>White-space normalisation and length capping for imported texts.</summary>
public static class TextNormalizer
{
    /// <summary>
    /// Collapses every run of white space and control characters (line breaks included) into one
    /// space, drops U+FEFF and zero-width spaces, and trims. A model sees no layout, and one-line
    /// texts keep JSONL and TSV outputs simple.
    /// </summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sb = new StringBuilder(text.Length);
        bool pendingSpace = false;
        foreach (char c in text)
        {
            if (c is '\uFEFF' or '\u200B')
            {
                continue;
            }
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                pendingSpace = sb.Length > 0;
                continue;
            }
            if (pendingSpace)
            {
                sb.Append(' ');
                pendingSpace = false;
            }
            sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>
    /// Cuts <paramref name="text"/> to at most <paramref name="maxChars"/> chars, at the last space
    /// when one lies in the second half of the allowance (so words stay whole), and never between the
    /// halves of a surrogate pair.
    /// </summary>
    public static string Truncate(string text, int maxChars)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxChars);
        if (text.Length <= maxChars)
        {
            return text;
        }
        int cut = maxChars;
        int space = text.LastIndexOf(' ', maxChars);
        if (space >= maxChars / 2)
        {
            cut = space;
        }
        else if (char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }
        return text[..cut].TrimEnd();
    }
}
