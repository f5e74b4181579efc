namespace EdgeBert.Native;

/// <summary>
/// The closed set of results of every C call (<c>enum edgebert_status</c> in <c>edgebert.h</c>).
/// Values are part of the ABI: never renumber, only append.
/// </summary>
public enum NativeStatus
{
    /// <summary>Success.</summary>
    Ok = 0,
    /// <summary>An argument is out of range or inconsistent.</summary>
    InvalidArgument = 1,
    /// <summary>A required pointer argument is NULL.</summary>
    NullPointer = 2,
    /// <summary>The model file cannot be opened or read.</summary>
    IO = 3,
    /// <summary>The bytes are not a valid model (bad magic, truncated, checksum, missing tensor).</summary>
    ModelFormat = 4,
    /// <summary>An output buffer is too small; the needed size was written.</summary>
    BufferTooSmall = 5,
    /// <summary>The text is longer than the session allows and the session does not truncate.</summary>
    InputTooLong = 6,
    /// <summary>The text is not valid UTF-8.</summary>
    InvalidUtf8 = 7,
    /// <summary>Memory ran out.</summary>
    OutOfMemory = 8,
    /// <summary>A handle is unknown, already freed, or of the wrong kind.</summary>
    InvalidHandle = 9,
    /// <summary>The operation is not available in this build or for this model.</summary>
    Unsupported = 10,
    /// <summary>An unexpected failure (a bug); the last error says what.</summary>
    Internal = 11,
}
