using System.Text;

namespace EdgeBert.Trainer.Tests.Data;

/// <summary>Small generated e-mail fixtures; every test builds its own message text.</summary>
internal static class MailFixtures
{
    /// <summary>Joins lines with CRLF, as mail on the wire has them.</summary>
    public static string Crlf(params string[] lines) => string.Join("\r\n", lines);

    /// <summary>Joins lines with LF, as the SpamAssassin corpus files have them.</summary>
    public static string Lf(params string[] lines) => string.Join("\n", lines);

    /// <summary>The bytes of a message whose text is all ASCII (8-bit parts are added with <see cref="Bytes(string, byte[], string)"/>).</summary>
    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    /// <summary>Prefix bytes, then raw bytes, then suffix: a message with an 8-bit body.</summary>
    public static byte[] Bytes(string prefix, byte[] raw, string suffix) =>
        [.. Encoding.ASCII.GetBytes(prefix), .. raw, .. Encoding.ASCII.GetBytes(suffix)];

    /// <summary>A simple message with a Message-ID, Subject and plain body.</summary>
    public static byte[] Simple(string id, string subject, string body) => Ascii(Lf(
        "From sender@example.com  Tue Aug  6 11:52:20 2002",
        "Return-Path: <sender@example.com>",
        $"Message-ID: <{id}>",
        $"Subject: {subject}",
        "Content-Type: text/plain; charset=us-ascii",
        "",
        body));

    /// <summary>Base64 of UTF-8 text with a line break every 76 chars, as mailers write it.</summary>
    public static string Base64Lines(string text) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(text), Base64FormattingOptions.InsertLineBreaks);
}
