using EdgeBert.Trainer.Data.Mail;
using static EdgeBert.Trainer.Tests.Data.MailFixtures;

namespace EdgeBert.Trainer.Tests.Data.Mail;

public class MailCharsetsTests
{
    private static string BodyText(string charset, byte[] body, string? transfer = null)
    {
        var header = Lf(
            "Subject: s",
            $"Content-Type: text/plain; charset=\"{charset}\"",
            transfer is null ? "X-None: 1" : $"Content-Transfer-Encoding: {transfer}",
            "",
            "");
        return MimeParser.Parse(Bytes(header, body, "")).DecodeBodyText();
    }

    [Test]
    public void Iso88591_DecodesAccents() =>
        Assert.That(BodyText("iso-8859-1", [(byte)'C', (byte)'a', (byte)'f', 0xE9]), Is.EqualTo("Café"));

    [Test]
    public void Iso88591_Label_ReadsWindows1252Quotes()
    {
        // WHATWG behaviour: 0x93/0x94 are curly quotes, not C1 controls.
        Assert.That(BodyText("iso-8859-1", [0x93, (byte)'q', 0x94]), Is.EqualTo("\u201cq\u201d"));
    }

    [Test]
    public void Windows1252_DecodesEuroAndQuotes() =>
        Assert.That(BodyText("windows-1252", [0x80, (byte)'5', (byte)' ', 0x93, (byte)'x', 0x94, 0x85]),
            Is.EqualTo("€5 \u201cx\u201d\u2026"));

    [Test]
    public void Utf8_DecodesMultiByteSequences() =>
        Assert.That(BodyText("utf-8", "naïve – 日本"u8.ToArray()), Is.EqualTo("naïve – 日本"));

    [Test]
    public void Utf8_InvalidBytes_BecomeReplacementCharacters() =>
        Assert.That(BodyText("utf-8", [(byte)'a', 0xFF, (byte)'b']), Is.EqualTo("a\uFFFDb"));

    [Test]
    public void Utf8_ThroughQuotedPrintable() =>
        Assert.That(BodyText("UTF-8", Ascii("caf=C3=A9"), "quoted-printable"), Is.EqualTo("café"));

    [Test]
    public void Iso88592_CodePage_IsAvailable() =>
        Assert.That(BodyText("iso-8859-2", [0xB1, 0xE6]), Is.EqualTo("ąć"));

    [Test]
    public void Koi8r_CodePage_IsAvailable() =>
        Assert.That(BodyText("koi8-r", [0xF0, 0xD2, 0xC9]), Is.EqualTo("При"));

    [Test]
    public void UnknownCharset_FallsBackToLatin1()
    {
        Assert.That(MailCharsets.Resolve("x-no-such-charset"), Is.SameAs(MailCharsets.Fallback));
        Assert.That(BodyText("default_charset", [(byte)'a', 0xE9, 0x93]), Is.EqualTo("a\u00e9\u0093"));
    }

    [Test]
    public void Utf7_IsTreatedAsUnknown() => Assert.That(MailCharsets.Resolve("utf-7"), Is.SameAs(MailCharsets.Fallback));

    [TestCase(null)]
    [TestCase("")]
    [TestCase("US-ASCII")]
    [TestCase("\"latin1\"")]
    public void MissingOrAsciiLabels_UseWindows1252(string? label) =>
        Assert.That(MailCharsets.Resolve(label).CodePage, Is.EqualTo(1252));

    [Test]
    public void UnlabelledHeaderBytes_UseUtf8WhenValid_ElseTheGuess()
    {
        Assert.That(MailCharsets.DecodeUnlabelled("é"u8), Is.EqualTo("é"));
        Assert.That(MailCharsets.DecodeUnlabelled([0xE9]), Is.EqualTo("é"));
        Assert.That(MailCharsets.DecodeUnlabelled([0xF0, 0xD2, 0xC9], "koi8-r"), Is.EqualTo("При"));
    }
}
