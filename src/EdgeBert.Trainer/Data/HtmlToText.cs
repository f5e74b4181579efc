using System.Net;
using System.Text.RegularExpressions;

namespace EdgeBert.Trainer.Data;

/// <summary>
/// Turns HTML (as found in mail) into plain text: comments, scripts and styles are removed with their
/// content, block-level tags become line breaks, inline tags vanish without a space (so that
/// "V&lt;b&gt;&lt;/b&gt;iagra" stays one word, as a reader sees it), and entities are decoded with
/// <see cref="WebUtility.HtmlDecode(string)"/>. White space is left for <see cref="TextNormalizer"/>.
/// </summary>
public static partial class HtmlToText
{
    // Every pattern is linear or bounded; the timeout is a guard against pathological input.
    private const int TimeoutMs = 2000;

    [GeneratedRegex(@"<!--.*?(-->|$)", RegexOptions.Singleline, TimeoutMs)]
    private static partial Regex Comment();

    [GeneratedRegex(@"<(script|style|head|title)\b[^>]*>.*?(</\1\s*>|$)", RegexOptions.Singleline | RegexOptions.IgnoreCase, TimeoutMs)]
    private static partial Regex ScriptOrStyle();

    [GeneratedRegex(@"</?(a|b|i|u|em|strong|font|span|small|big|sup|sub|tt|s|strike|abbr|code|o:p)\b[^>]*>", RegexOptions.IgnoreCase, TimeoutMs)]
    private static partial Regex InlineTag();

    [GeneratedRegex(@"<[a-zA-Z/!?][^>]*>", RegexOptions.None, TimeoutMs)]
    private static partial Regex AnyTag();

    [GeneratedRegex(@"<(html|body|head)\b|<!doctype\s+html", RegexOptions.IgnoreCase, TimeoutMs)]
    private static partial Regex DocumentTag();

    [GeneratedRegex(@"</?(br|p|font|td|tr|table|div|center|img|a)\b[^>]*>", RegexOptions.IgnoreCase, TimeoutMs)]
    private static partial Regex CommonTag();

    /// <summary>
    /// Whether text that is not labelled HTML is HTML all the same: it has an html, head or body tag
    /// or a doctype, or at least <paramref name="minTags"/> common layout tags. Much spam in the
    /// SpamAssassin corpus sends HTML without a Content-Type, i.e. as text/plain; a few tags quoted
    /// in a discussion stay below the threshold.
    /// </summary>
    public static bool LooksLikeHtml(string text, int minTags = 5)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (DocumentTag().IsMatch(text))
        {
            return true;
        }
        int tags = 0;
        foreach (var _ in CommonTag().EnumerateMatches(text))
        {
            if (++tags >= minTags)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Converts an HTML document or fragment to text.</summary>
    public static string Convert(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        // Comments vanish without a space: spam hides words as "V<!-- x -->iagra".
        var text = Comment().Replace(html, "");
        text = ScriptOrStyle().Replace(text, " ");
        text = InlineTag().Replace(text, "");
        text = AnyTag().Replace(text, "\n");
        return WebUtility.HtmlDecode(text);
    }
}
