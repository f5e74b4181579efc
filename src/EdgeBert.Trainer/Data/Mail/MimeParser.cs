using System.Text;

namespace EdgeBert.Trainer.Data.Mail;

/// <summary>
/// A small, forgiving MIME parser (RFC 2045/2046) for corpus import: headers, multipart bodies
/// (nested, each level with its own boundary) and embedded <c>message/rfc822</c>. It never throws on
/// malformed mail: a multipart without a usable boundary is read as one text part, a missing closing
/// delimiter ends the last part at the end of the body, a multipart body without any Content-Type
/// header is recognised by its first delimiter line, and nesting deeper than <see cref="MaxDepth"/>
/// is read as text.
/// </summary>
public static class MimeParser
{
    /// <summary>The deepest nesting that is still parsed; protects the stack against hostile mail.</summary>
    public const int MaxDepth = 32;

    /// <summary>Parses a whole message from its raw bytes.</summary>
    public static MimeEntity Parse(ReadOnlySpan<byte> message) => Parse(Encoding.Latin1.GetString(message));

    /// <summary>Parses a whole message from a Latin-1 view of its bytes (one char per byte).</summary>
    public static MimeEntity Parse(string latin1Message)
    {
        ArgumentNullException.ThrowIfNull(latin1Message);
        return ParseEntity(latin1Message, 0, depth: 0, topLevel: true);
    }

    private static MimeEntity ParseEntity(string raw, int start, int depth, bool topLevel)
    {
        MailHeaders headers;
        int bodyStart;
        if (topLevel || MailHeaders.StartsWithField(raw, start))
        {
            (headers, bodyStart) = MailHeaders.Parse(raw, start);
        }
        else
        {
            // A part whose first line is neither a field nor blank: broken mailers omit the headers.
            headers = new MailHeaders([]);
            bodyStart = start;
        }
        var contentType = ContentType.Parse(headers.Get("Content-Type"));
        var body = raw[bodyStart..];
        if (headers.Get("Content-Type") is null && UndeclaredBoundary(body) is { } undeclared)
        {
            contentType = ContentType.Parse($"multipart/mixed; boundary=\"{undeclared}\"");
        }

        if (depth < MaxDepth && contentType.IsMultipart)
        {
            var parts = contentType.Boundary is { Length: > 0 } boundary
                ? SplitMultipart(body, boundary) ?? SplitMultipart(body, boundary, ignoreBlanks: true)
                : null;
            if (parts is null)
            {
                return new MimeEntity(headers, ContentType.Default, body, [], boundaryMissing: true);
            }
            var children = parts.Select(p => ParseEntity(p, 0, depth + 1, topLevel: false)).ToList();
            return new MimeEntity(headers, contentType, "", children, boundaryMissing: false);
        }
        if (depth < MaxDepth && contentType.MediaType == "message/rfc822")
        {
            var inner = ParseEntity(body, 0, depth + 1, topLevel: true);
            return new MimeEntity(headers, contentType, body, [inner], boundaryMissing: false);
        }
        if (contentType.IsMultipart)
        {
            return new MimeEntity(headers, ContentType.Default, body, [], boundaryMissing: true);
        }
        return new MimeEntity(headers, contentType, body, [], boundaryMissing: false);
    }

    private static string WithoutBlanks(string text) => text.Replace(" ", "").Replace("\t", "");

    /// <summary>
    /// Recovers a multipart body whose Content-Type header is missing (some spam tools forget it): the
    /// first non-blank line is "--token" and the next one is a header field, which is how every part of a
    /// multipart body starts. Returns the boundary token, or null.
    /// </summary>
    internal static string? UndeclaredBoundary(string body)
    {
        int pos = 0;
        while (pos < body.Length)
        {
            var (line, next) = MailHeaders.ReadLine(body, pos);
            if (line.Trim().Length == 0)
            {
                pos = next;
                continue;
            }
            var token = line.TrimEnd();
            if (token.Length > 2 && token.StartsWith("--", StringComparison.Ordinal) && !token.Contains(' ')
                && next < body.Length && MailHeaders.StartsWithField(body, next))
            {
                return token[2..];
            }
            return null;
        }
        return null;
    }

    /// <summary>
    /// Splits a multipart body at its delimiter lines ("--boundary", closed by "--boundary--").
    /// Returns null when no delimiter occurs at all. Preamble and epilogue are dropped. With
    /// <paramref name="ignoreBlanks"/>, spaces and tabs are ignored in the comparison: the second try
    /// for senders whose delimiter lines differ from the declared boundary by white space
    /// (declared "=Multipart Boundary 1", written "--= Multipart Boundary 1").
    /// </summary>
    internal static List<string>? SplitMultipart(string body, string boundary, bool ignoreBlanks = false)
    {
        var delimiter = "--" + (ignoreBlanks ? WithoutBlanks(boundary) : boundary);
        var parts = new List<string>();
        int partStart = -1;
        int pos = 0;
        bool sawDelimiter = false;
        while (pos < body.Length)
        {
            int lineStart = pos;
            var (line, next) = MailHeaders.ReadLine(body, pos);
            pos = next;
            if (ignoreBlanks)
            {
                line = WithoutBlanks(line);
            }
            if (!line.StartsWith(delimiter, StringComparison.Ordinal))
            {
                continue;
            }
            var rest = line.AsSpan(delimiter.Length).TrimEnd(" \t");
            bool closing = rest.SequenceEqual("--");
            if (!closing && !rest.IsEmpty)
            {
                continue; // a longer boundary that merely starts with ours
            }
            sawDelimiter = true;
            if (partStart >= 0)
            {
                // The line break before a delimiter belongs to the delimiter (RFC 2046 §5.1.1).
                int end = lineStart;
                if (end > partStart && body[end - 1] == '\n')
                {
                    end--;
                    if (end > partStart && body[end - 1] == '\r')
                    {
                        end--;
                    }
                }
                parts.Add(body[partStart..end]);
            }
            if (closing)
            {
                return parts;
            }
            partStart = pos;
        }
        if (!sawDelimiter)
        {
            return null;
        }
        if (partStart >= 0 && partStart < body.Length)
        {
            parts.Add(body[partStart..]);
        }
        return parts;
    }
}
