using EdgeBert.Cli.Models;

namespace EdgeBert.Cli;

/// <summary>
/// What the commands read from outside the command line: standard input and the embedded
/// default model. The process uses <see cref="Process"/>; tests inject their own.
/// </summary>
public sealed record CliEnvironment
{
    /// <summary>Opens standard input as raw bytes (decoded strictly by the commands, never by the console).</summary>
    public required Func<Stream> OpenStandardInput { get; init; }

    /// <summary>Whether standard input is an interactive terminal (then texts must come as arguments).</summary>
    public bool StandardInputIsTerminal { get; init; }

    /// <summary>The default model's bytes, or null when this build has none embedded.</summary>
    public required Func<ReadOnlyMemory<byte>?> DefaultModel { get; init; }

    /// <summary>The real process: console stdin and the model embedded in this binary.</summary>
    public static CliEnvironment Process { get; } = new()
    {
        OpenStandardInput = Console.OpenStandardInput,
        StandardInputIsTerminal = !Console.IsInputRedirected,
        DefaultModel = EmbeddedModel.TryGetBytes,
    };
}
