using System.Text;
using EdgeBert.Trainer.Data.Mail;

namespace EdgeBert.Trainer.Tests.Data.Mail;

public class TransferEncodingTests
{
    private static string Qp(string encoded) =>
        Encoding.Latin1.GetString(TransferEncoding.DecodeQuotedPrintable(Encoding.ASCII.GetBytes(encoded)));

    private static string B64(string encoded) =>
        Encoding.UTF8.GetString(TransferEncoding.DecodeBase64(Encoding.ASCII.GetBytes(encoded)));

    [TestCase("caf=E9", "caf\u00e9")]
    [TestCase("caf=e9 lowercase hex", "caf\u00e9 lowercase hex")]
    [TestCase("a=3Db", "a=b")]
    [TestCase("soft=\r\nbreak", "softbreak")]
    [TestCase("soft=\nbreak", "softbreak")]
    [TestCase("soft=  \r\nbreak with trailing blanks", "softbreak with trailing blanks")]
    [TestCase("hard\r\nbreak", "hard\r\nbreak")]
    [TestCase("bad =G1 escape", "bad =G1 escape")]
    [TestCase("ends with =", "ends with ")]
    [TestCase("=4", "=4")]
    [TestCase("", "")]
    public void QuotedPrintable(string encoded, string expected) => Assert.That(Qp(encoded), Is.EqualTo(expected));

    [Test]
    public void Base64_WithLineBreaks_RoundTrips_ForEveryLength()
    {
        var random = new Random(1234);
        for (int length = 0; length <= 300; length++)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            var encoded = Convert.ToBase64String(bytes, Base64FormattingOptions.InsertLineBreaks);
            var decoded = TransferEncoding.DecodeBase64(Encoding.ASCII.GetBytes(encoded));
            Assert.That(decoded, Is.EqualTo(bytes), $"length {length}, seed 1234");
        }
    }

    [Test]
    public void Base64_StrayCharacters_AreIgnored() =>
        Assert.That(B64("SGVs*bG8g\nd29y!bGQ="), Is.EqualTo("Hello world"));

    [Test]
    public void Base64_TruncatedFinalQuantum_KeepsTheWholeBytes()
    {
        Assert.That(B64("SGVsbG8gd29yb"), Is.EqualTo("Hello wor"), "one trailing char is dropped");
        Assert.That(B64("SGVsbG8gd29ybA"), Is.EqualTo("Hello worl"), "two chars hold one byte");
        Assert.That(B64("SGVsbG8gd29ybGQ"), Is.EqualTo("Hello world"), "three chars hold two bytes");
    }

    [Test]
    public void Base64_StopsAtPadding() => Assert.That(B64("SGk=\nIGdhcmJhZ2U="), Is.EqualTo("Hi"));

    [Test]
    public void Base64_Garbage_GivesEmptyOrPartialBytes_WithoutThrowing()
    {
        Assert.That(TransferEncoding.DecodeBase64("!!!***"u8), Is.Empty);
        Assert.That(() => TransferEncoding.DecodeBase64("%%%A%%%"u8), Throws.Nothing);
    }

    [TestCase("base64", "SGk=", "Hi")]
    [TestCase("BASE64", "SGk=", "Hi")]
    [TestCase("quoted-printable", "H=69", "Hi")]
    [TestCase("7bit", "H=69", "H=69")]
    [TestCase(null, "SGk=", "SGk=")]
    [TestCase("x-unknown", "SGk=", "SGk=")]
    public void Decode_ByName(string? name, string body, string expected) =>
        Assert.That(Encoding.ASCII.GetString(TransferEncoding.Decode(Encoding.ASCII.GetBytes(body), name)), Is.EqualTo(expected));

    [Test]
    public void BrokenBase64Part_InAMessage_KeepsTheDecodablePrefix()
    {
        var message = MailFixtures.Lf(
            "Subject: broken",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "",
            "VGhpcyBpcyBmaW5l#IGFuZCB0aGlzIGlz?IHRydW5jYXRl");
        var text = MailTextExtractor.Extract(MimeParser.Parse(MailFixtures.Ascii(message)));
        Assert.That(text, Does.Contain("This is fine and this is truncat"));
    }
}
