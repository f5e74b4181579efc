using System.CommandLine;
using Spectre.Console;

namespace EdgeBert.Trainer.Commands;

/// <summary>What the training commands share: running an action with uniform error reporting.</summary>
internal static class CommandSupport
{
    /// <summary>
    /// Runs <paramref name="action"/>; bad input (missing files, malformed data or checkpoints —
    /// <see cref="InvalidDataException"/> is not an <see cref="IOException"/> —, invalid options)
    /// prints one red <c>error:</c> line and exits 1 instead of a stack trace.
    /// </summary>
    public static int Guard(IAnsiConsole ui, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or UnauthorizedAccessException or FormatException or InvalidOperationException)
        {
            ui.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            return Program.ExitBadInput;
        }
    }

    /// <summary>An option with a default value.</summary>
    public static Option<T> Option<T>(string name, string description, T defaultValue) =>
        new(name) { Description = description, DefaultValueFactory = _ => defaultValue };

    /// <summary>A required option.</summary>
    public static Option<T> Required<T>(string name, string description) =>
        new(name) { Description = description, Required = true };
}
