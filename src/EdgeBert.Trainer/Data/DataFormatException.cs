namespace EdgeBert.Trainer.Data;

/// <summary>
/// A data file is malformed. The message starts with <c>file:line:</c> so that users can jump to
/// the offending row; <see cref="FilePath"/> and <see cref="LineNumber"/> carry the same facts.
/// </summary>
public sealed class DataFormatException : FormatException
{
    /// <summary>Creates the exception for line <paramref name="lineNumber"/> (1-based) of a file.</summary>
    public DataFormatException(string filePath, long lineNumber, string message, Exception? inner = null)
        : base($"{filePath}:{lineNumber}: {message}", inner)
    {
        FilePath = filePath;
        LineNumber = lineNumber;
    }

    /// <summary>The file that holds the malformed row.</summary>
    public string FilePath { get; }

    /// <summary>The 1-based line number of the malformed row.</summary>
    public long LineNumber { get; }
}
