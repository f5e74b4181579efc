namespace EdgeBert.Trainer.Data.Mail;

/// <summary>
/// A parsed <c>Content-Type</c> field: the media type (lower case, e.g. <c>text/html</c>) and its
/// parameters (<c>charset</c>, <c>boundary</c>, ...), names compared case-insensitively.
/// </summary>
public sealed class ContentType
{
    private ContentType(string mediaType, Dictionary<string, string> parameters)
    {
        MediaType = mediaType;
        Parameters = parameters;
    }

    /// <summary>The default of RFC 2045 §5.2 for a part without a Content-Type field.</summary>
    public static ContentType Default { get; } = Parse(null);

    /// <summary>The media type in lower case, e.g. <c>multipart/alternative</c>.</summary>
    public string MediaType { get; }

    /// <summary>The parameters; names are case-insensitive, quoted values unquoted.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; }

    /// <summary>The top-level type, e.g. <c>text</c> for <c>text/plain</c>.</summary>
    public string Type => MediaType.Split('/')[0];

    /// <summary>The <c>charset</c> parameter, or null.</summary>
    public string? Charset => Parameters.GetValueOrDefault("charset");

    /// <summary>The <c>boundary</c> parameter of a multipart type, or null.</summary>
    public string? Boundary => Parameters.GetValueOrDefault("boundary");

    /// <summary>True for <c>multipart/*</c>.</summary>
    public bool IsMultipart => MediaType.StartsWith("multipart/", StringComparison.Ordinal);

    /// <summary>
    /// Parses a raw Content-Type value. Missing or unparsable values give <c>text/plain</c>
    /// (RFC 2045 §5.2); malformed parameters are skipped rather than failing the whole message.
    /// </summary>
    public static ContentType Parse(string? value)
    {
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (string.IsNullOrWhiteSpace(value))
        {
            return new ContentType("text/plain", parameters);
        }
        var parts = SplitParameters(value);
        var mediaType = parts[0].Trim().ToLowerInvariant();
        if (!mediaType.Contains('/'))
        {
            // "text" alone or garbage: RFC 2045 says treat as text/plain.
            mediaType = "text/plain";
        }
        for (int i = 1; i < parts.Count; i++)
        {
            int eq = parts[i].IndexOf('=');
            if (eq <= 0)
            {
                continue;
            }
            var name = parts[i][..eq].Trim();
            var raw = parts[i][(eq + 1)..].Trim();
            parameters.TryAdd(name, Unquote(raw));
        }
        return new ContentType(mediaType, parameters);
    }

    // Splits on ';' outside quoted strings.
    private static List<string> SplitParameters(string value)
    {
        var parts = new List<string>();
        var current = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == '\\' && quoted && i + 1 < value.Length)
            {
                current.Append(c).Append(value[++i]);
                continue;
            }
            else if (c == ';' && !quoted)
            {
                parts.Add(current.ToString());
                current.Clear();
                continue;
            }
            current.Append(c);
        }
        parts.Add(current.ToString());
        return parts;
    }

    private static string Unquote(string raw)
    {
        if (raw.Length >= 2 && raw[0] == '"')
        {
            int end = raw.LastIndexOf('"');
            var inner = end > 0 ? raw[1..end] : raw[1..];
            var sb = new System.Text.StringBuilder(inner.Length);
            for (int i = 0; i < inner.Length; i++)
            {
                if (inner[i] == '\\' && i + 1 < inner.Length)
                {
                    i++;
                }
                sb.Append(inner[i]);
            }
            return sb.ToString();
        }
        // Unquoted tokens end at white space (some mailers append comments).
        int space = raw.IndexOfAny([' ', '\t']);
        return space < 0 ? raw : raw[..space];
    }
}
