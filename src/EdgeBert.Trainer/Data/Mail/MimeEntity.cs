using System.Text;

namespace EdgeBert.Trainer.Data.Mail;

/// <summary>
/// One node of a parsed MIME tree: a whole message or one of its parts. A multipart entity has
/// <see cref="Children"/>; a <c>message/rfc822</c> entity has the embedded message as its only
/// child; any other entity has a <see cref="RawBody"/>.
/// </summary>
public sealed class MimeEntity
{
    internal MimeEntity(MailHeaders headers, ContentType contentType, string rawBody, IReadOnlyList<MimeEntity> children,
        bool boundaryMissing)
    {
        Headers = headers;
        ContentType = contentType;
        RawBody = rawBody;
        Children = children;
        BoundaryMissing = boundaryMissing;
    }

    /// <summary>The header fields of this entity.</summary>
    public MailHeaders Headers { get; }

    /// <summary>The parsed Content-Type (text/plain when absent).</summary>
    public ContentType ContentType { get; }

    /// <summary>The body before transfer decoding, as a Latin-1 view of its bytes.</summary>
    public string RawBody { get; }

    /// <summary>Sub-entities of a multipart or message/rfc822 entity; empty otherwise.</summary>
    public IReadOnlyList<MimeEntity> Children { get; }

    /// <summary>
    /// True when the entity claimed to be multipart but had no boundary parameter or its boundary never
    /// occurred in the body; such an entity is then read as a single text/plain body.
    /// </summary>
    public bool BoundaryMissing { get; }

    /// <summary>The Content-Transfer-Encoding value, or null.</summary>
    public string? TransferEncodingName => Headers.Get("Content-Transfer-Encoding");

    /// <summary>True when Content-Disposition says the part is an attachment.</summary>
    public bool IsAttachment =>
        Headers.Get("Content-Disposition")?.TrimStart().StartsWith("attachment", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>The body bytes after Content-Transfer-Encoding decoding.</summary>
    public byte[] DecodeBodyBytes() => TransferEncoding.Decode(Encoding.Latin1.GetBytes(RawBody), TransferEncodingName);

    /// <summary>The body as text: transfer-decoded, then charset-decoded (see <see cref="MailCharsets"/>).</summary>
    public string DecodeBodyText() => MailCharsets.Decode(DecodeBodyBytes(), ContentType.Charset);
}
