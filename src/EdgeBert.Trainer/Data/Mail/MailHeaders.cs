namespace EdgeBert.Trainer.Data.Mail;

/// <summary>
/// The header fields of a message or MIME part, unfolded (RFC 5322 §2.2.3), in source order.
/// Values are kept raw: bytes map 1:1 onto chars (Latin-1) so that a body can be turned back into
/// its exact bytes before transfer and charset decoding; <see cref="GetDecoded"/> decodes one.
/// </summary>
public sealed class MailHeaders
{
    private readonly List<KeyValuePair<string, string>> _fields;

    /// <summary>Creates a header block from (name, raw value) pairs.</summary>
    public MailHeaders(IEnumerable<KeyValuePair<string, string>> fields) => _fields = fields.ToList();

    /// <summary>All fields in source order; names as written, values unfolded and trimmed.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Fields => _fields;

    /// <summary>The raw value of the first field called <paramref name="name"/> (case-insensitive), or null.</summary>
    public string? Get(string name)
    {
        foreach (var field in _fields)
        {
            if (string.Equals(field.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return field.Value;
            }
        }
        return null;
    }

    /// <summary>
    /// The value of the first field called <paramref name="name"/> with RFC 2047 encoded words and raw
    /// 8-bit bytes decoded to text, or null when the field is absent. Raw bytes that are not UTF-8 are
    /// read in <paramref name="rawCharset"/> (e.g. the body's charset) or else windows-1252.
    /// </summary>
    public string? GetDecoded(string name, string? rawCharset = null)
    {
        var raw = Get(name);
        return raw is null ? null : EncodedWords.Decode(raw, rawCharset);
    }

    /// <summary>
    /// Parses the header block that starts at <paramref name="start"/> of <paramref name="raw"/>
    /// (a Latin-1 view of the bytes) and returns it with the index where the body starts (after the
    /// blank line; the end of the text when there is none).
    /// </summary>
    public static (MailHeaders Headers, int BodyStart) Parse(string raw, int start)
    {
        var fields = new List<KeyValuePair<string, string>>();
        string? name = null;
        var value = new System.Text.StringBuilder();
        int pos = start;
        while (pos < raw.Length)
        {
            var (line, next) = ReadLine(raw, pos);
            if (line.Length == 0)
            {
                pos = next;
                Flush();
                return (new MailHeaders(fields), pos);
            }
            if ((line[0] == ' ' || line[0] == '\t') && name is not null)
            {
                // Unfolding: the line break goes, the leading white space stays.
                value.Append(line);
            }
            else
            {
                Flush();
                int colon = line.IndexOf(':');
                if (colon > 0 && IsFieldName(line.AsSpan(0, colon)))
                {
                    name = line[..colon].Trim();
                    value.Append(line.AsSpan(colon + 1));
                }
                // Anything else (an mbox "From " line, garbage) is not a field and is dropped.
            }
            pos = next;
        }
        Flush();
        return (new MailHeaders(fields), raw.Length);

        void Flush()
        {
            if (name is not null)
            {
                fields.Add(new(name, value.ToString().Trim()));
            }
            name = null;
            value.Clear();
        }
    }

    /// <summary>True when the line at <paramref name="start"/> looks like a header field ("Name: value").</summary>
    internal static bool StartsWithField(string raw, int start)
    {
        var (line, _) = ReadLine(raw, start);
        int colon = line.IndexOf(':');
        return colon > 0 && IsFieldName(line.AsSpan(0, colon));
    }

    /// <summary>Reads one line (without its LF or CRLF); returns it and the index after the break.</summary>
    internal static (string Line, int Next) ReadLine(string raw, int pos)
    {
        int lf = raw.IndexOf('\n', pos);
        int end = lf < 0 ? raw.Length : lf;
        int next = lf < 0 ? raw.Length : lf + 1;
        if (end > pos && raw[end - 1] == '\r')
        {
            end--;
        }
        return (raw[pos..end], next);
    }

    // RFC 5322 field names: printable ASCII except ':' and space (trailing blanks tolerated).
    private static bool IsFieldName(ReadOnlySpan<char> name)
    {
        name = name.TrimEnd(" \t");
        if (name.IsEmpty)
        {
            return false;
        }
        foreach (char c in name)
        {
            if (c <= ' ' || c > '~')
            {
                return false;
            }
        }
        return true;
    }
}
