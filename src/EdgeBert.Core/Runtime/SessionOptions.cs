namespace EdgeBert.Runtime;

/// <summary>Options of a <see cref="Session"/>.</summary>
public sealed record SessionOptions
{
    /// <summary>The most <see cref="Threads"/> a session takes (the C API and the CLI check against it too).</summary>
    public const int MaxThreads = 1024;

    /// <summary>Threads the kernels may use (1 runs everything on the caller's thread; at most <see cref="MaxThreads"/>).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Classify over-long input whole over windows (default), truncate it, or fail.</summary>
    public OverlongInput Overlong { get; init; } = OverlongInput.Windows;

    /// <summary>How the windows' scores combine (default: <see cref="DefaultAggregation"/>, chosen on the spam dev split; docs/inference.md).</summary>
    public WindowAggregation Aggregation { get; init; } = DefaultAggregation;

    /// <summary>The default <see cref="Aggregation"/>.</summary>
    public const WindowAggregation DefaultAggregation = WindowAggregation.MeanLogits;

    /// <summary>
    /// Longest sequence in tokens, [CLS] and [SEP] included: null (default) for
    /// <see cref="Model.MaxLength"/>, else 3 to that. Text is cut (or fails, or for classify is
    /// split into windows of this length, per <see cref="Overlong"/>) at this length for every call
    /// alike, so classify, embed and encode see the same tokens; the session's buffers are sized for it.
    /// </summary>
    public int? MaxLength { get; init; }
}
