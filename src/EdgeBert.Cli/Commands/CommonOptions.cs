using System.CommandLine;
using EdgeBert.Cli.Parsing;
using EdgeBert.Runtime;

namespace EdgeBert.Cli.Commands;

/// <summary>The options classify, embed and eval share, declared once so they read the same everywhere.</summary>
internal sealed class CommonOptions
{
    internal Option<string> Model { get; } = new("--model") { Description = "The .ebm model (default: the model embedded in this binary)." };

    internal Option<int> Threads { get; } = new Option<int>("--threads") { Description = $"Kernel threads (1 to {SessionOptions.MaxThreads}).", DefaultValueFactory = _ => 1 }
        .Within(1, SessionOptions.MaxThreads);

    internal Option<bool> NoTruncate { get; } = new("--no-truncate") { Description = "Fail (exit 1) on text longer than the model's maximum length instead of truncating it." };

    internal Option<bool> Json { get; } = new("--json") { Description = "One JSON object per text." };

    internal Option<bool> Truncate { get; } = new("--truncate") { Description = "Cut text longer than the model's maximum length to its first tokens instead of classifying it whole over overlapping windows (the default)." };

    internal Option<WindowAggregation> Aggregate { get; } = new("--aggregate")
    {
        Description = "How the windows over a long text combine: MeanLogits (mean of the windows' logits) or MaxPositive (the window most sure of the last label, e.g. spam).",
        DefaultValueFactory = _ => SessionOptions.DefaultAggregation,
    };
}
