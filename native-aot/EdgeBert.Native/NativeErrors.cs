using System.Text;
using EdgeBert.Format;
using EdgeBert.Runtime;
using EdgeBert.Text;

namespace EdgeBert.Native;

/// <summary>
/// Maps exceptions to <see cref="NativeStatus"/> and keeps the thread-local last error message
/// (<c>edgebert_last_error()</c>).
/// </summary>
public static class NativeErrors
{
    // A pinned array per thread, so the C side can read it through a stable pointer until the next
    // call on this thread; the GC reclaims it when the thread dies (native memory would leak then).
    [ThreadStatic] private static byte[]? t_message;

    /// <summary>The status a C call returns when <paramref name="exception"/> escapes the managed implementation.</summary>
    public static NativeStatus StatusOf(Exception exception) => exception switch
    {
        NativeException native => native.Status,
        BufferTooSmallException => NativeStatus.BufferTooSmall,
        InputTooLongException => NativeStatus.InputTooLong,
        ArgumentNullException => NativeStatus.NullPointer,
        DecoderFallbackException => NativeStatus.InvalidUtf8,
        ObjectDisposedException => NativeStatus.InvalidHandle,
        ModelFormatException format when IsIo(format) => NativeStatus.IO,
        ModelFormatException or ModelOverflowException => NativeStatus.ModelFormat,
        IOException or UnauthorizedAccessException => NativeStatus.IO,
        OutOfMemoryException or InsufficientExecutionStackException => NativeStatus.OutOfMemory,
        PlatformNotSupportedException or NotSupportedException => NativeStatus.Unsupported,
        ArgumentException => NativeStatus.InvalidArgument,
        _ => NativeStatus.Internal,
    };

    // EbmFile.Open wraps failures to open the file (missing, permissions) in a ModelFormatException
    // whose inner exception is the I/O error; those are IO for a C caller, not a bad model.
    private static bool IsIo(ModelFormatException format) =>
        format.InnerException is IOException or UnauthorizedAccessException;

    /// <summary>Records the failure as this thread's last error and returns its status.</summary>
    public static NativeStatus Fail(Exception exception)
    {
        var status = StatusOf(exception);
        // Internal errors keep their type name: they are bugs and the type is what a report needs.
        string message = status == NativeStatus.Internal
            ? $"{exception.GetType().Name}: {exception.Message}"
            : exception.Message;
        SetLastError(message);
        return status;
    }

    /// <summary>Sets this thread's last error (empty after a successful call).</summary>
    public static void SetLastError(string message)
    {
        int length = Encoding.UTF8.GetByteCount(message);
        if (t_message is null || t_message.Length < length + 1)
        {
            t_message = GC.AllocateUninitializedArray<byte>(Math.Max(length + 1, 256), pinned: true);
        }
        Encoding.UTF8.GetBytes(message, t_message);
        t_message[length] = 0;
    }

    /// <summary>Marks the last call on this thread as successful (empty message).</summary>
    public static void Clear()
    {
        if (t_message is not null) t_message[0] = 0;
    }

    /// <summary>This thread's last error message as UTF-8 without the terminator (empty if none).</summary>
    public static ReadOnlySpan<byte> LastError
    {
        get
        {
            if (t_message is null) return default;
            int end = Array.IndexOf(t_message, (byte)0);
            return t_message.AsSpan(0, end < 0 ? t_message.Length : end);
        }
    }

    /// <summary>
    /// The pinned, NUL-terminated buffer behind <see cref="LastError"/> (allocated on first use),
    /// for the shim to hand out as a <c>const char*</c>.
    /// </summary>
    internal static byte[] LastErrorBuffer
    {
        get
        {
            if (t_message is null) SetLastError("");
            return t_message!;
        }
    }
}
