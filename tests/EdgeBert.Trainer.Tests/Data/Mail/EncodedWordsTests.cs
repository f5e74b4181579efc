using EdgeBert.Trainer.Data.Mail;

namespace EdgeBert.Trainer.Tests.Data.Mail;

public class EncodedWordsTests
{
    [TestCase("plain subject", "plain subject")]
    [TestCase("=?utf-8?B?Q2Fmw6k=?=", "Café")]
    [TestCase("=?ISO-8859-1?Q?Caf=E9_au_lait?=", "Café au lait")]
    [TestCase("Re: =?iso-8859-1?q?r=E9sum=E9?= attached", "Re: résumé attached")]
    [TestCase("=?utf-8?Q?a?= =?utf-8?Q?b?=", "ab")]
    [TestCase("=?utf-8?Q?a?=\t =?utf-8?Q?b?= c", "ab c")]
    [TestCase("=?utf-8*en?Q?lang?=", "lang")]
    [TestCase("=?broken", "=?broken")]
    [TestCase("=?x-unknown?Q?caf=E9?=", "café")]
    public void Decode(string raw, string expected) => Assert.That(EncodedWords.Decode(raw), Is.EqualTo(expected));

    [Test]
    public void SubjectWithRaw8BitBytes_UsesTheBodyCharset()
    {
        var message = MailFixtures.Bytes("Subject: ", [0xF0, 0xD2, 0xC9],
            "\nContent-Type: text/plain; charset=koi8-r\n\nbody");
        var text = MailTextExtractor.Extract(MimeParser.Parse(message));
        Assert.That(text, Does.StartWith("При"));
    }
}
