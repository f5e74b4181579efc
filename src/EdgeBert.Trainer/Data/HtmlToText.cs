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
    // Tag bodies are bounded ([^<>]{0,2048}) so that a text full of unclosed '<' stays linear; the
    // timeout is a second guard, after which Convert falls back to a plain scan.
    private const int TimeoutMs = 2000;

    [GeneratedRegex(@"<!--.*?(-->|$)", RegexOptions.Singleline, TimeoutMs)]
    private static partial Regex Comment();

    [GeneratedRegex(@"<(script|style|head|title)\b[^<>]{0,2048}>.*?(</\1\s*>|$)", RegexOptions.Singleline | RegexOptions.IgnoreCase, TimeoutMs)]
    private static partial Regex ScriptOrStyle();

    [GeneratedRegex(@"</?(a|b|i|u|em|strong|font|span|small|big|sup|sub|tt|s|strike|abbr|code|o:p)\b[^<>]{0,2048}>", RegexOptions.IgnoreCase, TimeoutMs)]
    private static partial Regex InlineTag();

    [GeneratedRegex(@"<[a-zA-Z/!?][^<>]{0,2048}>", RegexOptions.None, TimeoutMs)]
    private static partial Regex AnyTag();

    [GeneratedRegex(@"<(html|body|head)\b|<!doctype\s+html", RegexOptions.IgnoreCase, TimeoutMs)]
    private static partial Regex DocumentTag();

    [GeneratedRegex(@"</?(br|p|font|td|tr|table|div|center|img|a)\b[^<>]{0,2048}>", RegexOptions.IgnoreCase, TimeoutMs)]
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
        string text;
        try
        {
            // Comments vanish without a space: spam hides words as "V<!-- x -->iagra".
            text = Comment().Replace(html, "");
            text = ScriptOrStyle().Replace(text, " ");
            text = InlineTag().Replace(text, "");
            text = AnyTag().Replace(text, "\n");
        }
        catch (RegexMatchTimeoutException)
        {
            text = StripAngleBrackets(html);
        }
        return WebUtility.HtmlDecode(text);
    }

    // Last resort for input that defeats the patterns: drop everything from '<' to the next '>'.
    internal static string StripAngleBrackets(string html)
    {
        var sb = new System.Text.StringBuilder(html.Length);
        bool inTag = false;
        foreach (char c in html)
        {
            if (c == '<')
            {
                inTag = true;
                sb.Append(' ');
            }
            else if (c == '>' && inTag)
            {
                inTag = false;
            }
            else if (!inTag)
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }
}
