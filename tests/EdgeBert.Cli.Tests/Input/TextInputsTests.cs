using System.Text;
using EdgeBert.Cli.Input;

namespace EdgeBert.Cli.Tests.Input;

public class TextInputsTests
{
    /// <summary>Hands out at most <c>step</c> bytes per Read, so lines and characters straddle reads; throws past the end when asked to.</summary>
    private sealed class TrickleStream(byte[] data, int step, bool throwAtEnd = false) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (throwAtEnd && Position == Length) throw new IOException("read past the first line");
            return base.Read(buffer, offset, Math.Min(count, step));
        }
    }

    private static List<string> Lines(byte[] data, int step) => TextInputs.ReadLines(() => new TrickleStream(data, step), "stdin").ToList();

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(65536)]
    public void SplitsLinesWhateverTheReadSizes(int step)
    {
        byte[] data = [.. "\uFEFF"u8, .. Encoding.UTF8.GetBytes("café\r\n\nnaïve 😀\nlast")];
        Assert.That(Lines(data, step), Is.EqualTo(new[] { "café", "", "naïve 😀", "last" }), $"read size {step}");
    }

    [Test]
    public void AFinalNewlineAddsNoEmptyLineAndEmptyInputHasNoLines()
    {
        Assert.That(Lines("a\nb\n"u8.ToArray(), 4), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(Lines([], 4), Is.Empty);
        Assert.That(Lines("\n"u8.ToArray(), 4), Is.EqualTo(new[] { "" }));
    }

    [TestCase(1)]
    [TestCase(5)]
    public void InvalidUtf8NamesTheLineAndTheByteOffsetInTheWholeInput(int step)
    {
        // Line 3 starts at byte 10 ("ok\r\n" is 4 bytes, "été\n" 6); the lone continuation byte is 2 bytes into it.
        byte[] data = [.. "ok\r\n"u8, .. Encoding.UTF8.GetBytes("été\n"), .. "ab"u8, 0x80, .. "\n"u8];
        var ex = Assert.Throws<CliException>(() => Lines(data, step));
        Assert.That(ex!.Message, Is.EqualTo("stdin is not valid UTF-8: line 3, byte offset 12"), $"read size {step}");
        Assert.That(ex.ExitCode, Is.EqualTo(1));
    }

    [Test]
    public void ATruncatedCharacterAtTheEndIsInvalid()
    {
        var ex = Assert.Throws<CliException>(() => Lines([.. "x"u8, 0xE2, 0x82], 1));
        Assert.That(ex!.Message, Is.EqualTo("stdin is not valid UTF-8: line 1, byte offset 1"));
    }

    [Test]
    public void LinesAreYieldedBeforeTheRestOfTheInputIsRead()
    {
        using var lines = TextInputs.ReadLines(() => new TrickleStream("first\nsecond"u8.ToArray(), 6, throwAtEnd: true), "stdin").GetEnumerator();
        Assert.That(lines.MoveNext(), Is.True);
        Assert.That(lines.Current, Is.EqualTo("first"));
    }

    [Test]
    public void ArgumentsWinAndATerminalWithoutArgumentsIsAUsageError()
    {
        Assert.That(TextInputs.Read(["a", "b"], CliRunner.NoInput, "x"), Is.EqualTo(new[] { "a", "b" }));
        var ex = Assert.Throws<CliException>(() => TextInputs.Read([], CliRunner.NoInput, "classify"));
        Assert.That((ex!.ExitCode, ex.Message), Is.EqualTo((2, "classify: give texts as arguments or one per line on standard input")));
    }
}
