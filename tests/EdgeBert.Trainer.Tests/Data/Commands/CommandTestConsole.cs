using Spectre.Console;

namespace EdgeBert.Trainer.Tests.Data.Commands;

/// <summary>A non-interactive Spectre console that writes into a string, for command tests.</summary>
internal sealed class CommandTestConsole
{
    private readonly StringWriter _writer = new();

    public CommandTestConsole()
    {
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(_writer),
        });
        // Wide enough that messages with temp paths are not wrapped.
        Console.Profile.Width = 1000;
    }

    public IAnsiConsole Console { get; }

    public string Output => _writer.ToString();

    /// <summary>Parses and runs <paramref name="args"/>; parse errors go to a string, not the test log.</summary>
    public static int Run(System.CommandLine.Command command, params string[] args) =>
        command.Parse(args).Invoke(new System.CommandLine.InvocationConfiguration { Output = new StringWriter(), Error = new StringWriter() });
}
