using System.Text;
using System.Text.RegularExpressions;

namespace EdgeBert.Trainer.Data.Mail;

/// <summary>
/// Decodes header text: RFC 2047 encoded words (<c>=?charset?B?...?=</c>, <c>=?charset?Q?...?=</c>)
/// and raw 8-bit bytes (the header is a Latin-1 view of bytes; see <see cref="MailHeaders"/>).
/// </summary>
public static partial class EncodedWords
{
    [GeneratedRegex(@"=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=")]
    private static partial Regex EncodedWordPattern();

    // White space between two adjacent encoded words is not part of the text (RFC 2047 §6.2).
    [GeneratedRegex(@"(?<==\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)[ \t]+(?==\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)")]
    private static partial Regex BlankBetweenWords();

    /// <summary>
    /// Decodes a raw header value to text; malformed encoded words are left as written. Raw 8-bit bytes
    /// outside encoded words are UTF-8 when valid, else read in <paramref name="rawCharset"/>
    /// (windows-1252 when null).
    /// </summary>
    public static string Decode(string raw, string? rawCharset = null)
    {
        var joined = BlankBetweenWords().Replace(raw, "");
        var result = new StringBuilder(joined.Length);
        int last = 0;
        foreach (Match m in EncodedWordPattern().Matches(joined))
        {
            result.Append(DecodeRaw8Bit(joined[last..m.Index], rawCharset));
            var charset = m.Groups[1].Value;
            // RFC 2231 allows a language suffix: "utf-8*en".
            int star = charset.IndexOf('*');
            if (star >= 0)
            {
                charset = charset[..star];
            }
            var payload = Encoding.Latin1.GetBytes(m.Groups[3].Value);
            byte[] bytes = char.ToUpperInvariant(m.Groups[2].Value[0]) == 'B'
                ? TransferEncoding.DecodeBase64(payload)
                : TransferEncoding.DecodeQuotedPrintable(payload.Select(b => b == (byte)'_' ? (byte)' ' : b).ToArray());
            result.Append(MailCharsets.Decode(bytes, charset));
            last = m.Index + m.Length;
        }
        result.Append(DecodeRaw8Bit(joined[last..], rawCharset));
        return result.ToString();
    }

    private static string DecodeRaw8Bit(string latin1View, string? rawCharset)
    {
        foreach (char c in latin1View)
        {
            if (c > '\x7f')
            {
                return MailCharsets.DecodeUnlabelled(Encoding.Latin1.GetBytes(latin1View), rawCharset);
            }
        }
        return latin1View;
    }
}
