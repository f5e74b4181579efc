namespace EdgeBert.Cli;

/// <summary>
/// A failure the user can act on: <see cref="Program"/> prints <c>edgebert: error: MESSAGE</c>
/// (no stack trace) and exits with <see cref="ExitCode"/>.
/// </summary>
public sealed class CliException(string message, int exitCode = Program.ExitBadInput) : Exception(message)
{
    /// <summary>The process exit code: <see cref="Program.ExitBadInput"/> or <see cref="Program.ExitUsage"/>.</summary>
    public int ExitCode { get; } = exitCode;
}
