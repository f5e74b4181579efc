using System.Buffers;
using System.Text.Unicode;

namespace EdgeBert.Cli.Input;

/// <summary>
/// The texts a command works on: its arguments, or else one per line of standard input.
/// Standard input is read as bytes and decoded strictly: invalid UTF-8 is an error naming the
/// line and byte offset, never a silent U+FFFD (the tokenizer would then delete the character
/// and the model would see different text than the user sent).
/// </summary>
internal static class TextInputs
{
    /// <summary>The texts: <paramref name="arguments"/> when there are any, else the lines of stdin.</summary>
    /// <exception cref="CliException">No arguments and stdin is a terminal (exit 2), or stdin is not UTF-8 (exit 1).</exception>
    internal static IReadOnlyList<string> Read(IReadOnlyList<string>? arguments, CliEnvironment environment, string command)
    {
        if (arguments is { Count: > 0 }) return arguments;
        if (environment.StandardInputIsTerminal)
        {
            throw new CliException($"{command}: give texts as arguments or one per line on standard input", Program.ExitUsage);
        }
        using var stdin = environment.OpenStandardInput();
        using var buffer = new MemoryStream();
        stdin.CopyTo(buffer);
        return SplitLines(Decode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
    }

    /// <summary>Decodes UTF-8 (a leading BOM is dropped); invalid bytes throw with their line and offset.</summary>
    internal static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith("\uFEFF"u8)) bytes = bytes[3..];
        char[] chars = ArrayPool<char>.Shared.Rent(Math.Max(1, bytes.Length));
        try
        {
            var status = Utf8.ToUtf16(bytes, chars, out int read, out int written, replaceInvalidSequences: false);
            if (status != System.Buffers.OperationStatus.Done)
            {
                int line = 1 + bytes[..read].Count((byte)'\n');
                throw new CliException($"standard input is not valid UTF-8: line {line}, byte offset {read}");
            }
            return new string(chars, 0, written);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>Lines split on '\n' (a '\r' before it is dropped); the empty piece after a final newline is not a line.</summary>
    internal static IReadOnlyList<string> SplitLines(string text)
    {
        var lines = new List<string>();
        foreach (var range in text.AsSpan().Split('\n'))
        {
            var line = text.AsSpan(range);
            if (line.EndsWith("\r")) line = line[..^1];
            lines.Add(line.ToString());
        }
        if (lines.Count > 0 && lines[^1].Length == 0 && (text.EndsWith('\n') || text.Length == 0)) lines.RemoveAt(lines.Count - 1);
        return lines;
    }
}
