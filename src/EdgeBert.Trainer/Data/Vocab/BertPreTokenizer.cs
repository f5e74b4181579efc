using System.Globalization;
using System.Text;

namespace EdgeBert.Trainer.Data.Vocab;

/// <summary>
/// BERT's basic tokenization (the <c>BasicTokenizer</c> of google-research/bert), a local copy for
/// vocabulary training: drop NUL, U+FFFD and control characters, split on white space, optionally
/// lowercase and strip accents (NFD, then drop non-spacing marks: <see cref="AccentFolding"/>), split every punctuation character
/// (ASCII symbols and Unicode P* categories) into its own token, and surround each CJK ideograph with
/// spaces so that it is a token of its own.
/// </summary>
public sealed class BertPreTokenizer
{
    /// <summary>Creates the pre-tokenizer.</summary>
    /// <param name="lowercase">Lowercase (invariant culture) before splitting, as uncased BERT does.</param>
    /// <param name="stripAccents">Remove accents; null means "same as <paramref name="lowercase"/>", BERT's default.</param>
    public BertPreTokenizer(bool lowercase, bool? stripAccents = null)
    {
        Lowercase = lowercase;
        StripAccents = stripAccents ?? lowercase;
    }

    /// <summary>Whether text is lowercased.</summary>
    public bool Lowercase { get; }

    /// <summary>Whether accents are stripped.</summary>
    public bool StripAccents { get; }

    /// <summary>Splits <paramref name="text"/> into pre-tokens (words and single punctuation marks).</summary>
    public List<string> Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<string>();
        var word = new StringBuilder();
        foreach (var rune in Clean(text).EnumerateRunes())
        {
            if (IsWhitespace(rune))
            {
                FlushWord();
            }
            else if (IsPunctuation(rune) || IsCjk(rune))
            {
                FlushWord();
                tokens.Add(rune.ToString());
            }
            else
            {
                word.Append(rune.ToString());
            }
        }
        FlushWord();
        return tokens;

        void FlushWord()
        {
            if (word.Length > 0)
            {
                tokens.Add(word.ToString());
                word.Clear();
            }
        }
    }

    // Cleaning, case folding and accent stripping on the whole text; splitting comes after, so a
    // mark separated from its base letter by NFD is removed before it could look like a token.
    private string Clean(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.Value is 0 or 0xFFFD || (IsControl(rune) && !IsWhitespace(rune)))
            {
                continue;
            }
            sb.Append(IsWhitespace(rune) ? " " : rune.ToString());
        }
        var cleaned = sb.ToString();
        if (Lowercase)
        {
            cleaned = cleaned.ToLowerInvariant();
        }
        if (StripAccents)
        {
            cleaned = AccentFolding.Strip(cleaned);
        }
        return cleaned;
    }

    private static bool IsWhitespace(Rune r) =>
        r.Value is ' ' or '\t' or '\n' or '\r' || Rune.GetUnicodeCategory(r) == UnicodeCategory.SpaceSeparator;

    private static bool IsControl(Rune r) =>
        Rune.GetUnicodeCategory(r) is UnicodeCategory.Control or UnicodeCategory.Format;

    /// <summary>BERT's punctuation: all non-alphanumeric printable ASCII, plus Unicode P* categories.</summary>
    internal static bool IsPunctuation(Rune r)
    {
        int v = r.Value;
        if (v is >= 33 and <= 47 or >= 58 and <= 64 or >= 91 and <= 96 or >= 123 and <= 126)
        {
            return true;
        }
        return Rune.GetUnicodeCategory(r) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation
            or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation
            or UnicodeCategory.OtherPunctuation;
    }

    /// <summary>The CJK Unified Ideograph blocks BERT splits per character (not Hangul or kana).</summary>
    internal static bool IsCjk(Rune r) => r.Value is
        >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2A6DF or >= 0x2A700 and <= 0x2B73F
        or >= 0x2B740 and <= 0x2B81F or >= 0x2B820 and <= 0x2CEAF or >= 0xF900 and <= 0xFAFF or >= 0x2F800 and <= 0x2FA1F;
}
