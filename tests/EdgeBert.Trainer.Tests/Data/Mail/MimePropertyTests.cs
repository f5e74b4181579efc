using System.Text;
using EdgeBert.Trainer.Data.Mail;
using FsCheck;
using FsCheck.Fluent;

namespace EdgeBert.Trainer.Tests.Data.Mail;

public class MimePropertyTests
{
    // Quoted-printable as a strict encoder writes it: every byte escaped, soft breaks every 25 bytes.
    private static string EncodeQuotedPrintable(byte[] bytes)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < bytes.Length; i++)
        {
            if (i > 0 && i % 25 == 0)
            {
                sb.Append(i % 50 == 0 ? "=\r\n" : "=\n");
            }
            sb.Append('=').Append(bytes[i].ToString("X2"));
        }
        return sb.ToString();
    }

    [Test]
    public void QuotedPrintable_DecodesWhatAStrictEncoderWrote()
    {
        var property = Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), bytes =>
        {
            var decoded = TransferEncoding.DecodeQuotedPrintable(Encoding.ASCII.GetBytes(EncodeQuotedPrintable(bytes)));
            return decoded.AsSpan().SequenceEqual(bytes);
        });
        Check.One(PropertyConfig.Replayable(), property);
    }

    [Test]
    public void Multipart_SplitRecoversEveryPart()
    {
        // Part bodies: lines of letters and spaces (so never a delimiter line), 1..6 parts.
        var line = Gen.Elements("alpha", "beta gamma", "", "  x", "--not-the-boundary", "=3D");
        var body = Gen.ListOf(line).Select(lines => string.Join("\r\n", lines));
        var parts = Gen.NonEmptyListOf(body).Select(list => list.Take(6).ToList());
        var property = Prop.ForAll(parts.ToArbitrary(), list =>
        {
            var multipart = "preamble\r\n" + string.Concat(list.Select(p => "--XYZ\r\n" + p + "\r\n")) + "--XYZ--\r\nepilogue";
            var split = MimeParser.SplitMultipart(multipart, "XYZ");
            return split is not null && split.SequenceEqual(list);
        });
        Check.One(PropertyConfig.Replayable(), property);
    }

    [Test]
    public void Parser_NeverThrows_OnArbitraryBytes()
    {
        var property = Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), bytes =>
        {
            byte[] message = [.. "Content-Type: multipart/mixed; boundary=b\n\n--b\n"u8, .. bytes, .. "\n--b--"u8];
            var text = MailTextExtractor.Extract(MimeParser.Parse(message));
            return text is not null;
        });
        Check.One(PropertyConfig.Replayable(), property);
    }
}
