namespace EdgeBert.Native;

/// <summary>
/// A failure the C ABI reports with a specific <see cref="NativeStatus"/> that no BCL exception
/// type conveys (invalid handle, buffer too small, invalid UTF-8, unsupported).
/// </summary>
public sealed class NativeException(NativeStatus status, string message) : Exception(message)
{
    /// <summary>The status the C call returns.</summary>
    public NativeStatus Status { get; } = status;
}

/// <summary>An output buffer is shorter than the result; <see cref="Needed"/> is what it takes.</summary>
public sealed class BufferTooSmallException(string what, long capacity, long needed)
    : Exception($"The {what} buffer holds {capacity} entries; {needed} are needed.")
{
    /// <summary>The size the caller must pass (entries, not bytes, unless the buffer is text).</summary>
    public long Needed { get; } = needed;
}
