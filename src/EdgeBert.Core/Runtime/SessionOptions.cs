namespace EdgeBert.Runtime;

/// <summary>Options of a <see cref="Session"/>.</summary>
public sealed record SessionOptions
{
    /// <summary>The most <see cref="Threads"/> a session takes (the C API and the CLI check against it too).</summary>
    public const int MaxThreads = 1024;

    /// <summary>Threads the kernels may use (1 runs everything on the caller's thread; at most <see cref="MaxThreads"/>).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Truncate over-long input (default) or fail.</summary>
    public OverlongInput Overlong { get; init; } = OverlongInput.Truncate;

    /// <summary>
    /// Longest sequence in tokens, [CLS] and [SEP] included: null (default) for
    /// <see cref="Model.MaxLength"/>, else 3 to that. Text is cut (or fails, per
    /// <see cref="Overlong"/>) at this length for every call alike, so classify, embed and encode
    /// see the same tokens; the session's buffers are sized for it.
    /// </summary>
    public int? MaxLength { get; init; }
}
