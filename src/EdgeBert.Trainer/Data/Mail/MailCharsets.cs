using System.Text;

namespace EdgeBert.Trainer.Data.Mail;

/// <summary>
/// Maps MIME charset names to decoders. The code-page provider is registered so that
/// windows-125x, iso-8859-x, koi8-r, gb2312, shift_jis and friends work.
/// </summary>
/// <remarks>
/// Two documented deviations from a literal reading of the label:
/// <list type="bullet">
/// <item>As in the WHATWG Encoding Standard, <c>us-ascii</c>, <c>iso-8859-1</c> and a missing
/// charset decode as windows-1252, its superset: real mail labelled that way routinely contains
/// windows-1252 quotes and dashes in 0x80–0x9F, which Latin-1 would turn into control characters.</item>
/// <item>An unknown or unsupported charset falls back to Latin-1, which maps every byte to a char and
/// never fails, so that ASCII text (most of any mail) survives and the message is kept.</item>
/// </list>
/// Invalid byte sequences decode to U+FFFD; decoding never throws.
/// </remarks>
public static class MailCharsets
{
    static MailCharsets() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>The encoding used when a charset is unknown.</summary>
    public static Encoding Fallback => Encoding.Latin1;

    /// <summary>Returns the decoder for a MIME charset name (see the remarks for fallbacks).</summary>
    public static Encoding Resolve(string? charset)
    {
        var name = charset?.Trim().Trim('"', '\'').ToLowerInvariant();
        switch (name)
        {
            case null or "" or "us-ascii" or "ascii" or "iso-8859-1" or "iso8859-1" or "latin1" or "latin-1":
                return Encoding.GetEncoding(1252);
            case "utf8":
                return Encoding.UTF8;
        }
        try
        {
            var encoding = Encoding.GetEncoding(name);
            // UTF-7 is obsolete in .NET and a known vector for smuggling markup; treat as unknown.
            return encoding.CodePage == 65000 ? Fallback : encoding;
        }
        catch (ArgumentException)
        {
            return Fallback;
        }
        catch (NotSupportedException)
        {
            return Fallback;
        }
    }

    /// <summary>Decodes <paramref name="bytes"/> in the given charset (never throws).</summary>
    public static string Decode(ReadOnlySpan<byte> bytes, string? charset) => Resolve(charset).GetString(bytes);

    /// <summary>
    /// Decodes raw 8-bit header bytes that carry no charset label: UTF-8 when they are valid UTF-8,
    /// otherwise in <paramref name="guess"/> (the charset of the message body is the best guess there
    /// is) or windows-1252 when there is none.
    /// </summary>
    public static string DecodeUnlabelled(ReadOnlySpan<byte> bytes, string? guess = null)
    {
        if (System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return Encoding.UTF8.GetString(bytes);
        }
        return Resolve(guess).GetString(bytes);
    }
}
