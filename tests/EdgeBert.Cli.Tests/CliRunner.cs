namespace EdgeBert.Cli.Tests;

/// <summary>Runs <c>edgebert</c> in-process with captured stdout and stderr.</summary>
internal static class CliRunner
{
    /// <summary>An environment with no embedded model and a terminal on stdin (texts must come as arguments).</summary>
    internal static CliEnvironment NoInput { get; } = new()
    {
        OpenStandardInput = () => throw new AssertionException("the command read stdin although it is a terminal"),
        StandardInputIsTerminal = true,
        DefaultModel = () => null,
    };

    /// <summary>
    /// Runs with <see cref="NoInput"/>: the test host's real stdin may be a pipe that never
    /// closes, and the real embedded model depends on the build.
    /// </summary>
    internal static (int Exit, string Out, string Err) Run(params string[] args) => RunWith(null, null, args);

    /// <summary>Runs with <paramref name="stdin"/> piped in (null: a terminal) and <paramref name="defaultModel"/> as the embedded model.</summary>
    internal static (int Exit, string Out, string Err) RunWith(byte[]? stdin, byte[]? defaultModel, params string[] args)
    {
        var environment = NoInput with
        {
            OpenStandardInput = stdin is null ? NoInput.OpenStandardInput : () => new MemoryStream(stdin, writable: false),
            StandardInputIsTerminal = stdin is null,
            DefaultModel = () => defaultModel is null ? (ReadOnlyMemory<byte>?)null : defaultModel,
        };
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = Program.Run(args, output, error, environment);
        return (exit, output.ToString(), error.ToString());
    }
}
