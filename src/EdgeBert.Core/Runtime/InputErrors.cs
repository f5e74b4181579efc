using EdgeBert.Format;
using EdgeBert.Text;

namespace EdgeBert.Runtime;

/// <summary>
/// Which exceptions mean that what the user gave is wrong (a model file, a data file, a
/// checkpoint, a text), not the program: the <c>edgebert</c> and <c>edgebert-train</c> command
/// lines print their message on one line, with no stack trace, and exit with <see cref="ExitCode"/>.
/// One list for both programs, so the same bad model fails the same way everywhere.
/// </summary>
public static class InputErrors
{
    /// <summary>The exit code of bad input in both command lines (0 is success, 2 a wrong command line).</summary>
    public const int ExitCode = 1;

    /// <summary>
    /// True for <see cref="ModelFormatException"/> (an invalid, unsupported or unreadable
    /// <c>.ebm</c>), <see cref="InvalidDataException"/> (a malformed checkpoint or data file; not an
    /// <see cref="IOException"/>), <see cref="IOException"/> (missing or unreadable files),
    /// <see cref="UnauthorizedAccessException"/>, <see cref="FormatException"/> (a malformed
    /// vocabulary or value), <see cref="InputTooLongException"/> and <see cref="ModelOverflowException"/>
    /// (a model whose finite weights overflow float32).
    /// </summary>
    public static bool IsInputError(Exception exception) =>
        exception is ModelFormatException or InvalidDataException or IOException or UnauthorizedAccessException
            or FormatException or InputTooLongException or ModelOverflowException;

    /// <summary>
    /// The one-line message to print: the exception's own (which names the file and the defect),
    /// with line breaks folded so that a script reading stderr line by line gets it whole.
    /// </summary>
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.Message.ReplaceLineEndings(" ");
    }
}
