using EdgeBert.Format;

namespace EdgeBert.Cli.Models;

/// <summary>
/// The default model compiled into the binary as the manifest resource
/// <see cref="ResourceName"/> (from <c>models/default.ebm</c> when that file exists at build time).
/// </summary>
public static class EmbeddedModel
{
    /// <summary>Logical name of the manifest resource (set in EdgeBert.Cli.csproj).</summary>
    public const string ResourceName = "edgebert.default.ebm";

    private static readonly Lazy<ReadOnlyMemory<byte>?> s_bytes = new(Read);

    /// <summary>The embedded model's bytes, or null when this build embeds none.</summary>
    /// <remarks>
    /// Read in place from the binary's image (<see cref="InPlaceMemory"/>): copying the model out
    /// of the resource stream cost a quarter of <c>edgebert classify</c>'s start-up (the copy, its
    /// page faults and the garbage collection the large array triggered).
    /// </remarks>
    public static ReadOnlyMemory<byte>? TryGetBytes() => s_bytes.Value;

    private static ReadOnlyMemory<byte>? Read()
    {
        // Not disposed: the in-place view keeps using the stream's memory for the life of the process.
        var stream = typeof(EmbeddedModel).Assembly.GetManifestResourceStream(ResourceName);
        if (stream is null) return null;
        if (InPlaceMemory.TryFromStream(stream, out var memory)) return memory;
        // A runtime that hands out some other stream: copy it once.
        using (stream)
        {
            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            return bytes;
        }
    }
}
