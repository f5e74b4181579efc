using System.Text;
using System.Text.Unicode;

namespace EdgeBert.Cli.Parsing;

/// <summary>
/// Invalid UTF-8 in a command-line argument. On Linux the .NET host decodes argv leniently
/// (invalid bytes become U+FFFD), so the texts would reach the model changed, while the same
/// bytes on standard input are an error. The raw bytes are still in <c>/proc/self/cmdline</c>
/// (NUL-separated; its last <c>args.Length</c> entries are the arguments after the program, or
/// after <c>dotnet edgebert.dll</c>): any argument holding U+FFFD is checked there, strictly,
/// and the first invalid byte is reported. An argument with a genuine U+FFFD (valid bytes
/// EF BF BD) passes. Where there is no /proc (Windows passes UTF-16, not bytes) nothing is checked.
/// </summary>
internal static class ArgumentEncoding
{
    /// <summary>The error line for the first argument that was not valid UTF-8, or null.</summary>
    internal static string? Check(IReadOnlyList<string> args) =>
        args.Any(a => a.Contains('\uFFFD')) ? Check(args, ReadProcessArguments(args.Count)) : null;

    /// <summary>
    /// The check against the raw bytes of each argument (null: unavailable, nothing is checked).
    /// Raw arguments that are not the same command line (a valid one that decodes differently,
    /// or an invalid one where the argument has no U+FFFD) are ignored.
    /// </summary>
    internal static string? Check(IReadOnlyList<string> args, IReadOnlyList<byte[]>? raw)
    {
        if (raw is null || raw.Count != args.Count) return null;
        for (int i = 0; i < args.Count; i++)
        {
            bool same = Utf8.IsValid(raw[i]) ? Encoding.UTF8.GetString(raw[i]) == args[i] : args[i].Contains('\uFFFD');
            if (!same) return null;
        }
        for (int i = 0; i < args.Count; i++)
        {
            if (Utf8.IsValid(raw[i])) continue;
            int offset = FirstInvalidByte(raw[i]);
            return $"argument {i + 1} is not valid UTF-8: byte offset {offset} (0x{raw[i][offset]:X2})";
        }
        return null;
    }

    private static int FirstInvalidByte(byte[] bytes)
    {
        var chars = new char[bytes.Length];
        Utf8.ToUtf16(bytes, chars, out int valid, out _, replaceInvalidSequences: false);
        return valid;
    }

    /// <summary>The last <paramref name="count"/> entries of /proc/self/cmdline, or null where there is none.</summary>
    private static List<byte[]>? ReadProcessArguments(int count)
    {
        byte[] cmdline;
        try
        {
            cmdline = File.ReadAllBytes("/proc/self/cmdline");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return null;
        }
        var entries = new List<byte[]>();
        int start = 0;
        for (int i = 0; i < cmdline.Length; i++)
        {
            if (cmdline[i] != 0) continue;
            entries.Add(cmdline[start..i]);
            start = i + 1;
        }
        return entries.Count < count ? null : entries.GetRange(entries.Count - count, count);
    }
}
