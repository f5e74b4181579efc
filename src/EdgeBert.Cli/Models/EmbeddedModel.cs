namespace EdgeBert.Cli.Models;

/// <summary>
/// The default model compiled into the binary as the manifest resource
/// <see cref="ResourceName"/> (from <c>models/default.ebm</c> when that file exists at build time).
/// </summary>
public static class EmbeddedModel
{
    /// <summary>Logical name of the manifest resource (set in EdgeBert.Cli.csproj).</summary>
    public const string ResourceName = "edgebert.default.ebm";

    private static readonly Lazy<byte[]?> s_bytes = new(Read);

    /// <summary>The embedded model's bytes, or null when this build embeds none.</summary>
    /// <remarks>
    /// Copied once out of the resource stream: wrapping the image's memory without a copy would
    /// need a pointer-backed MemoryManager, and unsafe code belongs in Core/Kernels and Core/Format
    /// only. A model is tens of MB, read once per process.
    /// </remarks>
    public static ReadOnlyMemory<byte>? TryGetBytes()
    {
        // Not a conditional expression: `null` converts to ReadOnlyMemory<byte> (through byte[]),
        // which would turn "no model" into an empty, non-null memory.
        if (s_bytes.Value is not { } bytes) return null;
        return bytes;
    }

    private static byte[]? Read()
    {
        using var stream = typeof(EmbeddedModel).Assembly.GetManifestResourceStream(ResourceName);
        if (stream is null) return null;
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
