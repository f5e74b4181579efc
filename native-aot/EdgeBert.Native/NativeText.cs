using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace EdgeBert.Native;

/// <summary>UTF-8 in and out of the C ABI: strict decoding (no replacement characters) and sized copies.</summary>
public static class NativeText
{
    /// <summary>
    /// Decodes <paramref name="utf8"/> into <paramref name="chars"/> (grown as needed) and returns
    /// the number of chars; invalid UTF-8 fails rather than being replaced, so a caller never gets
    /// a silently different classification.
    /// </summary>
    /// <exception cref="NativeException">Status InvalidUtf8, with the byte offset of the first bad sequence.</exception>
    public static int Decode(ReadOnlySpan<byte> utf8, ref char[] chars)
    {
        // UTF-16 never needs more code units than UTF-8 has bytes.
        if (chars.Length < utf8.Length) chars = new char[Math.Max(utf8.Length, chars.Length * 2)];
        var status = Utf8.ToUtf16(utf8, chars, out int read, out int written, replaceInvalidSequences: false);
        if (status != OperationStatus.Done)
        {
            throw new NativeException(NativeStatus.InvalidUtf8, $"The text is not valid UTF-8 (byte offset {read} of {utf8.Length}).");
        }
        return written;
    }

    /// <summary>Decodes <paramref name="utf8"/> into a new string (batch input).</summary>
    /// <exception cref="NativeException">Status InvalidUtf8.</exception>
    public static string DecodeToString(ReadOnlySpan<byte> utf8, string what)
    {
        var chars = Array.Empty<char>();
        try
        {
            int length = Decode(utf8, ref chars);
            return new string(chars, 0, length);
        }
        catch (NativeException e)
        {
            throw new NativeException(NativeStatus.InvalidUtf8, $"{what}: {e.Message}");
        }
    }

    /// <summary>
    /// Copies <paramref name="text"/> as NUL-terminated UTF-8 into <paramref name="destination"/>
    /// and returns the bytes written, terminator included.
    /// </summary>
    /// <exception cref="BufferTooSmallException">With the size needed, terminator included.</exception>
    public static int CopyTerminated(string text, Span<byte> destination, string what)
    {
        int needed = Encoding.UTF8.GetByteCount(text) + 1;
        if (destination.Length < needed) throw new BufferTooSmallException(what, destination.Length, needed);
        int written = Encoding.UTF8.GetBytes(text, destination);
        destination[written] = 0;
        return needed;
    }
}
