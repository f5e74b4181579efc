using System.Buffers;
using System.Text.Unicode;

namespace EdgeBert.Cli.Input;

/// <summary>
/// The texts a command works on: its arguments, or else one per line of standard input.
/// Standard input is streamed (each line is handled before the next is read, so
/// <c>tail -f log | edgebert classify</c> answers as lines arrive) and decoded strictly: invalid
/// UTF-8 is an error naming the line and byte offset, never a silent U+FFFD (the tokenizer would
/// then delete the character and the model would see different text than the user sent).
/// </summary>
internal static class TextInputs
{
    /// <summary>The texts: <paramref name="arguments"/> when there are any, else the lines of stdin (read lazily).</summary>
    /// <exception cref="CliException">No arguments and stdin is a terminal (exit 2, thrown at once); stdin not UTF-8 (exit 1, thrown when the bad line is reached).</exception>
    internal static IEnumerable<string> Read(IReadOnlyList<string>? arguments, CliEnvironment environment, string command)
    {
        if (arguments is { Count: > 0 }) return arguments;
        if (environment.StandardInputIsTerminal)
        {
            throw new CliException($"{command}: give texts as arguments or one per line on standard input", Program.ExitUsage);
        }
        return ReadLines(environment.OpenStandardInput, "standard input");
    }

    /// <summary>
    /// Lines split on '\n' (a '\r' before it is dropped; a final line without '\n' counts; a
    /// leading BOM is dropped). Splitting the bytes is safe before decoding: in UTF-8 the byte
    /// 0x0A only ever encodes '\n'.
    /// </summary>
    internal static IEnumerable<string> ReadLines(Func<Stream> open, string name)
    {
        using var stream = open();
        var line = new MemoryStream();
        var chunk = new byte[64 * 1024];
        long lineStart = 0;
        int number = 0, read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            for (int start = 0; start < read;)
            {
                int newline = Array.IndexOf(chunk, (byte)'\n', start, read - start);
                int end = newline < 0 ? read : newline;
                line.Write(chunk, start, end - start);
                start = end + 1;
                if (newline < 0) break;
                yield return DecodeLine(line, ++number, lineStart, name);
                lineStart += line.Length + 1;
                line.SetLength(0);
            }
        }
        if (line.Length > 0) yield return DecodeLine(line, ++number, lineStart, name);
    }

    private static string DecodeLine(MemoryStream line, int number, long lineStart, string name)
    {
        var bytes = line.GetBuffer().AsSpan(0, (int)line.Length);
        int skipped = 0;
        if (number == 1 && bytes.StartsWith("\uFEFF"u8))
        {
            bytes = bytes[3..];
            skipped = 3;
        }
        if (bytes.EndsWith("\r"u8)) bytes = bytes[..^1];
        return Decode(bytes, out int bad) ?? throw new CliException($"{name} is not valid UTF-8: line {number}, byte offset {lineStart + skipped + bad}");
    }

    /// <summary>Decodes a whole UTF-8 text (a leading BOM is dropped); invalid bytes throw with their line and offset.</summary>
    internal static string Decode(ReadOnlySpan<byte> bytes)
    {
        int skipped = 0;
        if (bytes.StartsWith("\uFEFF"u8))
        {
            bytes = bytes[3..];
            skipped = 3;
        }
        return Decode(bytes, out int bad) ??
            throw new CliException($"standard input is not valid UTF-8: line {1 + bytes[..bad].Count((byte)'\n')}, byte offset {skipped + bad}");
    }

    /// <summary>Strict UTF-8 decoding; null (with the offset of the first invalid byte) when invalid.</summary>
    private static string? Decode(ReadOnlySpan<byte> bytes, out int invalidAt)
    {
        char[] chars = ArrayPool<char>.Shared.Rent(Math.Max(1, bytes.Length));
        try
        {
            var status = Utf8.ToUtf16(bytes, chars, out invalidAt, out int written, replaceInvalidSequences: false);
            return status == OperationStatus.Done ? new string(chars, 0, written) : null;
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
