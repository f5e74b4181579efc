namespace EdgeBert.Trainer.Data.Mail;

/// <summary>
/// Content-Transfer-Encoding decoders (RFC 2045 §6). Both are lenient, by decision: a corpus importer
/// must keep going on the broken mail that real corpora contain, so nothing here throws.
/// </summary>
public static class TransferEncoding
{
    /// <summary>
    /// Decodes a body by its Content-Transfer-Encoding name. <c>base64</c> and
    /// <c>quoted-printable</c> are decoded; 7bit, 8bit, binary and unknown names pass through.
    /// </summary>
    public static byte[] Decode(ReadOnlySpan<byte> body, string? encoding) =>
        encoding?.Trim().Trim('"').ToLowerInvariant() switch
        {
            "base64" => DecodeBase64(body),
            "quoted-printable" => DecodeQuotedPrintable(body),
            _ => body.ToArray(),
        };

    /// <summary>
    /// Lenient base64: characters outside the alphabet (line breaks, stray punctuation) are ignored as
    /// RFC 2045 §6.8 requires, decoding stops at the first padding '=', and an incomplete final
    /// quantum keeps the whole bytes it holds (a lone trailing character is dropped). Broken input
    /// therefore gives the decodable prefix rather than an exception.
    /// </summary>
    public static byte[] DecodeBase64(ReadOnlySpan<byte> body)
    {
        var clean = new List<byte>(body.Length);
        foreach (byte b in body)
        {
            if (b == (byte)'=')
            {
                break;
            }
            if (b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9'
                or (byte)'+' or (byte)'/')
            {
                clean.Add(b);
            }
        }
        int remainder = clean.Count % 4;
        if (remainder == 1)
        {
            clean.RemoveAt(clean.Count - 1);
        }
        else if (remainder > 1)
        {
            clean.AddRange(remainder == 2 ? "=="u8.ToArray() : "="u8.ToArray());
        }
        // The input is now canonical base64, so the BCL decoder cannot fail on it.
        return Convert.FromBase64String(System.Text.Encoding.ASCII.GetString(clean.ToArray()));
    }

    /// <summary>
    /// Quoted-printable: <c>=XX</c> becomes the byte 0xXX, <c>=</c> before a line break (optionally
    /// after trailing blanks) is a soft break and goes away, and a malformed escape is kept literally.
    /// </summary>
    public static byte[] DecodeQuotedPrintable(ReadOnlySpan<byte> body)
    {
        var output = new List<byte>(body.Length);
        for (int i = 0; i < body.Length; i++)
        {
            byte b = body[i];
            if (b != (byte)'=')
            {
                output.Add(b);
                continue;
            }
            if (i + 2 < body.Length && IsHex(body[i + 1]) && IsHex(body[i + 2]))
            {
                output.Add((byte)(HexValue(body[i + 1]) * 16 + HexValue(body[i + 2])));
                i += 2;
                continue;
            }
            // Soft line break: '=' [blanks] (CRLF | LF | end of body).
            int j = i + 1;
            while (j < body.Length && (body[j] == (byte)' ' || body[j] == (byte)'\t'))
            {
                j++;
            }
            if (j == body.Length)
            {
                i = j - 1;
                continue;
            }
            if (body[j] == (byte)'\n')
            {
                i = j;
                continue;
            }
            if (body[j] == (byte)'\r' && j + 1 < body.Length && body[j + 1] == (byte)'\n')
            {
                i = j + 1;
                continue;
            }
            output.Add(b);
        }
        return output.ToArray();
    }

    private static bool IsHex(byte b) => Uri.IsHexDigit((char)b);

    private static int HexValue(byte b) => Uri.FromHex((char)b);
}
