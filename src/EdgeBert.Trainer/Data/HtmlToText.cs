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

    /// <summary>Converts an HTML document or fragment to text.</summary>
    public static string Convert(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        var text = Comment().Replace(html, " ");
        text = ScriptOrStyle().Replace(text, " ");
        text = InlineTag().Replace(text, "");
        text = AnyTag().Replace(text, "\n");
        return WebUtility.HtmlDecode(text);
    }
}
