using System.CommandLine;
using EdgeBert.Trainer.Commands;

namespace EdgeBert.Trainer;

/// <summary>Entry point of the <c>edgebert-train</c> command.</summary>
public static class Program
{
    /// <summary>Exit code: success.</summary>
    public const int ExitOk = 0;

    /// <summary>Exit code: bad input (message on stderr).</summary>
    public const int ExitBadInput = 1;

    /// <summary>Exit code: the command line itself is wrong.</summary>
    public const int ExitUsage = 2;

    /// <summary>Runs the command line; returns the process exit code.</summary>
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs the command line with the given output streams (tests capture them).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("edgebert-train: quantization-aware distillation of BERT models into .ebm files.")
        {
            RandomModelCommand.Create(),
            DataCommands.CreateImportSpamAssassin(),
            ImportSotuCommand.Create(),
            ImportShortTextsCommand.Create(),
            ImportProseHamCommand.Create(),
            ImportMailSnippetsCommand.Create(),
            VocabCommand.Create(),
            PretrainCommand.Create(),
            FinetuneCommand.Create(),
            QuantizeCommand.Create(),
            EvalCommand.Create(),
            ExportCommand.Create(),
            ImportCommand.Create(),
            BenchCommand.Create(),
            ParityCommand.Create(),
            CalibrateCommand.Create(),
        };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var e in parsed.Errors) error.WriteLine($"edgebert-train: {e.Message}");
            error.WriteLine("Run 'edgebert-train --help' for usage.");
            return ExitUsage;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception ex) when (ex is ArgumentException || EdgeBert.Runtime.InputErrors.IsInputError(ex))
        {
            error.WriteLine($"edgebert-train: error: {EdgeBert.Runtime.InputErrors.Describe(ex)}");
            return ExitBadInput;
        }
    }
}
