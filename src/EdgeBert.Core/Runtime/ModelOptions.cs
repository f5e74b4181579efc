using EdgeBert.Kernels;

namespace EdgeBert.Runtime;

/// <summary>Options of <see cref="Model.Load(string, ModelOptions?)"/>.</summary>
public sealed record ModelOptions
{
    /// <summary>
    /// Forces the kernels' instruction-set family (tests and benchmarks); null uses
    /// <see cref="KernelIsaSelector.Active"/>. An unsupported family throws <see cref="PlatformNotSupportedException"/>.
    /// </summary>
    public KernelIsa? Isa { get; init; }

    /// <summary>Verify the CRC-32C of every tensor on load (the header and sections are always checked).</summary>
    public bool VerifyChecksums { get; init; } = true;
}
