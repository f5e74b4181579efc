using System.Text;

namespace EdgeBert.Trainer.Data.Mail;

/// <summary>
/// Extracts the readable text of a mail: the Subject (the only header kept) and the text of its body.
/// multipart/alternative contributes one alternative (text/plain preferred, else HTML converted to
/// text); other multiparts contribute all their text parts in order; embedded messages contribute
/// their subject and body; attachments and non-text parts (images, applications) are skipped. A
/// text/plain part that is evidently HTML (<see cref="HtmlToText.LooksLikeHtml"/>) is converted like
/// text/html.
/// </summary>
public static class MailTextExtractor
{
    /// <summary>The Subject and body text of a parsed message, not yet normalised.</summary>
    public static string Extract(MimeEntity message) => Combine(ExtractSubject(message), ExtractBody(message));

    /// <summary>The decoded Subject of a message ("" without one), not yet normalised.</summary>
    public static string ExtractSubject(MimeEntity message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Headers.GetDecoded("Subject", FirstCharset(message)) ?? "";
    }

    /// <summary>The body text of a message (each text part after a line break), not yet normalised.</summary>
    public static string ExtractBody(MimeEntity message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var sb = new StringBuilder();
        AppendBody(message, sb);
        return sb.ToString();
    }

    /// <summary>Subject and body as <see cref="Extract"/> joins them: the subject on its own line when it has text.</summary>
    public static string Combine(string subject, string body) =>
        string.IsNullOrWhiteSpace(subject) ? body : subject + "\n" + body;

    // The first charset label in the tree: undeclared 8-bit bytes in the Subject are most likely in it.
    private static string? FirstCharset(MimeEntity entity)
    {
        if (entity.ContentType.Charset is { } charset)
        {
            return charset;
        }
        foreach (var child in entity.Children)
        {
            if (child.ContentType.MediaType != "message/rfc822" && FirstCharset(child) is { } inner)
            {
                return inner;
            }
        }
        return null;
    }

    private static void AppendBody(MimeEntity entity, StringBuilder sb)
    {
        var type = entity.ContentType;
        if (type.MediaType == "message/rfc822" && entity.Children.Count == 1)
        {
            sb.Append('\n').Append(Extract(entity.Children[0]));
            return;
        }
        if (type.IsMultipart && !entity.BoundaryMissing)
        {
            if (type.MediaType == "multipart/alternative")
            {
                var chosen = ChooseAlternative(entity.Children);
                if (chosen is not null)
                {
                    AppendBody(chosen, sb);
                }
                return;
            }
            foreach (var child in entity.Children)
            {
                AppendBody(child, sb);
            }
            return;
        }
        if (entity.IsAttachment || type.Type != "text")
        {
            return;
        }
        var text = entity.DecodeBodyText();
        if (type.MediaType == "text/html" || (type.MediaType == "text/plain" && HtmlToText.LooksLikeHtml(text)))
        {
            text = HtmlToText.Convert(text);
        }
        if (!string.IsNullOrWhiteSpace(text))
        {
            sb.Append('\n').Append(text);
        }
    }

    // Plain text is what the sender wrote for text readers; HTML only when there is no plain part
    // with content. A nested multipart alternative (e.g. multipart/related around HTML) comes last.
    private static MimeEntity? ChooseAlternative(IReadOnlyList<MimeEntity> alternatives)
    {
        MimeEntity? html = null;
        MimeEntity? other = null;
        foreach (var part in alternatives)
        {
            switch (part.ContentType.MediaType)
            {
                case "text/plain" when !string.IsNullOrWhiteSpace(part.DecodeBodyText()):
                    return part;
                case "text/html":
                    html ??= part;
                    break;
                default:
                    if (part.ContentType.IsMultipart || part.ContentType.Type == "text")
                    {
                        other ??= part;
                    }
                    break;
            }
        }
        return html ?? other;
    }
}
