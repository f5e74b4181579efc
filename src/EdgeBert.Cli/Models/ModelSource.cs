using EdgeBert.Format;

namespace EdgeBert.Cli.Models;

/// <summary>Where a command's model comes from: <c>--model FILE</c>, else the embedded default model.</summary>
internal static class ModelSource
{
    /// <summary>The message scripts can match when no model is available.</summary>
    internal const string NoEmbeddedModel = "this build has no embedded default model; pass --model FILE";

    /// <summary>How messages name the embedded default model.</summary>
    internal const string EmbeddedName = "<embedded default model>";

    /// <summary>Opens the model file, or the embedded default when <paramref name="path"/> is null.</summary>
    /// <exception cref="CliException">No path and no embedded model (exit 1).</exception>
    internal static EbmFile OpenFile(string? path, CliEnvironment environment)
    {
        if (path is not null) return EbmFile.Open(path);
        return EbmFile.Load(DefaultBytes(environment), EmbeddedName);
    }

    /// <summary>The embedded default model's bytes.</summary>
    /// <exception cref="CliException">This build embeds none (exit 1).</exception>
    internal static ReadOnlyMemory<byte> DefaultBytes(CliEnvironment environment) =>
        environment.DefaultModel() ?? throw new CliException(NoEmbeddedModel);
}
