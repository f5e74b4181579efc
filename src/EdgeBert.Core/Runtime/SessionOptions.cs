namespace EdgeBert.Runtime;

/// <summary>Options of a <see cref="Session"/>.</summary>
public sealed record SessionOptions
{
    /// <summary>Threads the kernels may use (1 runs everything on the caller's thread).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Truncate over-long input (default) or fail.</summary>
    public OverlongInput Overlong { get; init; } = OverlongInput.Truncate;
}
