using System.Text;

namespace EdgeBert.Native.Tests;

public class NativeTextTests
{
    [TestCase("")]
    [TestCase("hello")]
    [TestCase("naïve café, Grüße")]
    [TestCase("日本語のテキスト")]
    [TestCase("emoji 🙂 and 𝔘")]
    public void DecodeMatchesTheBcl(string text)
    {
        var chars = new char[1];
        int n = NativeText.Decode(Encoding.UTF8.GetBytes(text), ref chars);
        Assert.That(new string(chars, 0, n), Is.EqualTo(text));
    }

    [Test]
    public void DecodeRoundTripsRandomScalarValues()
    {
        // Seed 11: random Unicode scalar values (surrogates excluded), 200 strings of 0..40 of them.
        var random = new Random(11);
        var chars = Array.Empty<char>();
        for (int s = 0; s < 200; s++)
        {
            var builder = new StringBuilder();
            int length = random.Next(41);
            for (int i = 0; i < length; i++)
            {
                int scalar;
                do scalar = random.Next(0x110000); while (scalar is >= 0xD800 and <= 0xDFFF);
                builder.Append(char.ConvertFromUtf32(scalar));
            }
            string text = builder.ToString();
            int n = NativeText.Decode(Encoding.UTF8.GetBytes(text), ref chars);
            Assert.That(new string(chars, 0, n), Is.EqualTo(text), $"seed 11, string {s}");
        }
    }

    [TestCase(new byte[] { 0xff }, 0)]
    [TestCase(new byte[] { (byte)'a', (byte)'b', 0xc3 }, 2)]
    [TestCase(new byte[] { 0xed, 0xa0, 0x80 }, 0)]
    [TestCase(new byte[] { 0xc0, 0xaf }, 0)]
    [TestCase(new byte[] { (byte)'o', (byte)'k', 0x80, (byte)'x' }, 2)]
    public void InvalidUtf8FailsWithItsOffset(byte[] bytes, int offset)
    {
        var chars = Array.Empty<char>();
        var e = Assert.Throws<NativeException>(() => NativeText.Decode(bytes, ref chars));
        Assert.Multiple(() =>
        {
            Assert.That(e!.Status, Is.EqualTo(NativeStatus.InvalidUtf8));
            Assert.That(e.Message, Does.Contain($"byte offset {offset}"));
        });
        var s = Assert.Throws<NativeException>(() => NativeText.DecodeToString(bytes, "texts[3]"));
        Assert.That(s!.Message, Does.StartWith("texts[3]: "));
    }

    [Test]
    public void CopyTerminatedWritesTextAndNul()
    {
        var buffer = new byte[16];
        int needed = NativeText.CopyTerminated("café", buffer, "label");
        Assert.Multiple(() =>
        {
            Assert.That(needed, Is.EqualTo(6));
            Assert.That(buffer.AsSpan(0, 6).ToArray(), Is.EqualTo("café\0"u8.ToArray()));
        });
    }

    [Test]
    public void CopyTerminatedReportsTheSizeNeeded()
    {
        var e = Assert.Throws<BufferTooSmallException>(() => NativeText.CopyTerminated("café", new byte[5], "label"));
        Assert.That(e!.Needed, Is.EqualTo(6));
        var empty = Assert.Throws<BufferTooSmallException>(() => NativeText.CopyTerminated("", Span<byte>.Empty, "label"));
        Assert.That(empty!.Needed, Is.EqualTo(1));
    }
}
