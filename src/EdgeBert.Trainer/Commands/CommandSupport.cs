using System.CommandLine;
using EdgeBert.Runtime;
using Spectre.Console;

namespace EdgeBert.Trainer.Commands;

/// <summary>What the training commands share: running an action with uniform error reporting.</summary>
internal static class CommandSupport
{
    /// <summary>
    /// Runs <paramref name="action"/>; bad input (an invalid or unreadable <c>.ebm</c>, missing
    /// files, malformed data or checkpoints: <see cref="InputErrors.IsInputError"/>; invalid
    /// options: <see cref="ArgumentException"/>, <see cref="InvalidOperationException"/>) prints one
    /// red <c>error:</c> line and exits 1 (<see cref="InputErrors.ExitCode"/>) instead of a stack trace.
    /// </summary>
    public static int Guard(IAnsiConsole ui, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (IsBadInput(e))
        {
            ui.MarkupLine($"[red]error:[/] {Markup.Escape(InputErrors.Describe(e))}");
            return Program.ExitBadInput;
        }
    }

    /// <summary>What <see cref="Guard"/> (and Program for the unguarded commands) reports as bad input.</summary>
    public static bool IsBadInput(Exception e) => InputErrors.IsInputError(e) || e is ArgumentException or InvalidOperationException;

    /// <summary>
    /// <c>--train-windows</c> of finetune and quantize: a training text longer than the model's
    /// length becomes one example per window the runtime will read it over, instead of its first tokens.
    /// </summary>
    public static Option<bool> TrainWindows() => new("--train-windows")
    {
        Description = "Train on every window of a long text (as the runtime classifies it: overlapping windows, each with the text's label) instead of its first tokens. Dev and test stay cut.",
    };

    /// <summary>An option with a default value.</summary>
    public static Option<T> Option<T>(string name, string description, T defaultValue) =>
        new(name) { Description = description, DefaultValueFactory = _ => defaultValue };

    /// <summary>A required option.</summary>
    public static Option<T> Required<T>(string name, string description) =>
        new(name) { Description = description, Required = true };
}
