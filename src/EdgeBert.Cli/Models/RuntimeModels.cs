using EdgeBert.Runtime;

namespace EdgeBert.Cli.Models;

/// <summary>Loads the runtime <see cref="Model"/> for classify, embed and eval: <c>--model FILE</c>, else the embedded default.</summary>
internal static class RuntimeModels
{
    /// <summary>Loads and packs the model.</summary>
    /// <exception cref="CliException">No path and no embedded model (exit 1).</exception>
    internal static Model Load(string? path, CliEnvironment environment) =>
        path is not null ? Model.Load(path) : Model.Load(ModelSource.DefaultBytes(environment), ModelSource.EmbeddedName);

    /// <summary>A session with the common options.</summary>
    /// <exception cref="CliException"><paramref name="threads"/> is below 1 (exit 2).</exception>
    internal static Session CreateSession(Model model, int threads, bool noTruncate, string command)
    {
        if (threads < 1) throw new CliException($"{command}: --threads must be at least 1 (got {threads})", Program.ExitUsage);
        return model.CreateSession(new SessionOptions { Threads = threads, Overlong = noTruncate ? OverlongInput.Fail : OverlongInput.Truncate });
    }

    /// <summary>
    /// A classifying session (classify, eval): long texts over windows combined by
    /// <paramref name="aggregation"/>, unless <paramref name="truncate"/> (<c>--truncate</c>) or
    /// <paramref name="noTruncate"/> (<c>--no-truncate</c>, fail) asks otherwise; both at once is a usage error.
    /// </summary>
    /// <exception cref="CliException">Both flags, or <paramref name="threads"/> below 1 (exit 2).</exception>
    internal static Session CreateClassifier(Model model, int threads, bool truncate, bool noTruncate, WindowAggregation aggregation, string command)
    {
        if (threads < 1) throw new CliException($"{command}: --threads must be at least 1 (got {threads})", Program.ExitUsage);
        if (truncate && noTruncate) throw new CliException($"{command}: --truncate and --no-truncate exclude each other", Program.ExitUsage);
        var overlong = truncate ? OverlongInput.Truncate : noTruncate ? OverlongInput.Fail : OverlongInput.Windows;
        return model.CreateSession(new SessionOptions { Threads = threads, Overlong = overlong, Aggregation = aggregation });
    }

    /// <summary>Fails (exit 1) when the model has no classifier head.</summary>
    internal static void RequireLabels(Model model)
    {
        if (model.Labels.Count == 0) throw new CliException($"{model.Source} has no labels (an encoder-only model cannot classify; try embed)");
    }
}
