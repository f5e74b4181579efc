using System.CommandLine;
using EdgeBert.Cli.Commands;
using EdgeBert.Runtime;

namespace EdgeBert.Cli;

/// <summary>Entry point of the <c>edgebert</c> command.</summary>
public static class Program
{
    /// <summary>Exit code: success.</summary>
    public const int ExitOk = 0;

    /// <summary>Exit code: bad input or a model error (message on stderr; see <see cref="InputErrors"/>).</summary>
    public const int ExitBadInput = InputErrors.ExitCode;

    /// <summary>Exit code: the command line itself is wrong.</summary>
    public const int ExitUsage = 2;

    /// <summary>Runs the command line; returns the process exit code.</summary>
    public static int Main(string[] args)
    {
        StartupTrace.Start();
        // Texts and JSON lines are UTF-8 whatever the locale says (the C locale would turn them into '?').
        Console.OutputEncoding = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        return Run(args, Console.Out, Console.Error);
    }

    /// <summary>Runs the command line with the given output streams (tests capture them).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error) => Run(args, output, error, CliEnvironment.Process);

    /// <summary>Runs the command line with the given output streams, standard input and default model (tests inject them).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, CliEnvironment environment)
    {
        var root = new RootCommand("EdgeBert: binarized and ternarized BERT on the CPU.")
        {
            InfoCommand.Create(),
            InspectCommand.Create(),
            ClassifyCommand.Create(environment),
            EmbedCommand.Create(environment),
            EvalCommand.Create(environment),
            TokenizeCommand.Create(environment),
            BenchCommand.Create(),
        };
        var parsed = root.Parse(args);
        StartupTrace.Mark("command line parsed");
        if (parsed.Errors.Count > 0)
        {
            foreach (var e in parsed.Errors) error.WriteLine($"edgebert: {e.Message}");
            error.WriteLine("Run 'edgebert --help' for usage.");
            return ExitUsage;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (CliException ex)
        {
            error.WriteLine($"edgebert: error: {ex.Message}");
            return ex.ExitCode;
        }
        catch (Exception ex) when (InputErrors.IsInputError(ex))
        {
            // An invalid or unreadable model, a missing or malformed file, over-long text: one line, exit 1.
            error.WriteLine($"edgebert: error: {InputErrors.Describe(ex)}");
            return ExitBadInput;
        }
    }
}
