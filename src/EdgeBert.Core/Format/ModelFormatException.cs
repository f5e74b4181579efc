namespace EdgeBert.Format;

/// <summary>
/// The one exception a defective or unsupported <c>.ebm</c> model raises. The message names the
/// file, what is wrong and where (byte offset, section or tensor), so a user can act on it
/// without a debugger.
/// </summary>
public sealed class ModelFormatException : Exception
{
    /// <summary>Creates the exception; the message is composed as <c>"{source}: {what} ({where})"</c>.</summary>
    /// <param name="source">The file path, or a name given to an in-memory model.</param>
    /// <param name="what">What is wrong, including the values found and expected.</param>
    /// <param name="where">Where in the file: a section, a byte offset, a tensor name.</param>
    /// <param name="inner">The underlying error (I/O, JSON), if any.</param>
    public ModelFormatException(string source, string what, string where, Exception? inner = null)
        : base($"{source}: {what} (at {where})", inner)
    {
        Source = source;
        What = what;
        Where = where;
    }

    /// <summary>The file path or in-memory model name the error is about.</summary>
    public new string Source { get; }

    /// <summary>What is wrong.</summary>
    public string What { get; }

    /// <summary>Where in the file the defect is.</summary>
    public string Where { get; }
}
