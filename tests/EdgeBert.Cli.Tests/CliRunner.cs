namespace EdgeBert.Cli.Tests;

/// <summary>Runs <c>edgebert</c> in-process with captured stdout and stderr.</summary>
internal static class CliRunner
{
    internal static (int Exit, string Out, string Err) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = Program.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
