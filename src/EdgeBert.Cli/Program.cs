using System.CommandLine;
using EdgeBert.Cli.Commands;
using EdgeBert.Cli.Parsing;
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
        // Bad bytes in an argument are bad input, as on stdin (the runtime has already replaced them).
        if (ArgumentEncoding.Check(args) is string bad)
        {
            Console.Error.WriteLine($"edgebert: error: {bad}");
            return ExitBadInput;
        }
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
        // No response files: a text such as "@everyone you won" is a text, never a file to read.
        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        StartupTrace.Mark("command line parsed");
        // One line on stderr: "edgebert: [command: ]what is wrong (see 'edgebert [command] --help')".
        string command = UnknownOptions.CommandName(parsed);
        string prefix = parsed.CommandResult.Command == root ? "edgebert: " : $"edgebert: {parsed.CommandResult.Command.Name}: ";
        if (UnknownOptions.Find(parsed, args) is string unknown)
        {
            error.WriteLine(prefix + unknown);
            return ExitUsage;
        }
        if (parsed.Errors.Count > 0)
        {
            // The first error only: later ones often follow from it.
            error.WriteLine($"{prefix}{parsed.Errors[0].Message} (see '{command} --help')");
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
