using System.Runtime.Intrinsics.X86;

namespace EdgeBert.Kernels.Integer;

/// <summary>
/// The W2A8 GEMM family (ternary weights × int8 activations) and, through codes {0, 2}, the
/// W1A8 VNNI path for binary weights: registry and constructors. Weights come from
/// <see cref="PackedTernaryCodes.PackTernary"/> or <see cref="PackedTernaryCodes.PackBinary"/>.
/// </summary>
public static class TernaryGemm
{
    private static readonly Lazy<IntegerGemmKernel<PackedTernaryCodes>> s_active = new(() => Create(KernelIsaSelector.Active));

    /// <summary>The implementation chosen for this process from <see cref="KernelIsaSelector.Active"/>.</summary>
    public static IntegerGemmKernel<PackedTernaryCodes> Active => s_active.Value;

    /// <summary>
    /// Constructs the implementation for <paramref name="isa"/>. <see cref="KernelIsa.Avx2"/>
    /// uses AVX-VNNI when the CPU has it; <see cref="KernelIsa.AdvSimd"/> uses <c>SDOT</c> where the
    /// CPU has the dot-product extension and the portable Vector128 kernel otherwise.
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">The ISA cannot run in this process.</exception>
    public static IntegerGemmKernel<PackedTernaryCodes> Create(KernelIsa isa) => Create(isa, preferSpecialized: true);

    /// <summary>
    /// As <see cref="Create(KernelIsa)"/>; <paramref name="preferSpecialized"/> = false (tests) forces the
    /// plain paths: the portable Vector128 kernel instead of the x86 SSE one, and the AVX2 <c>vpmaddubsw</c> path.
    /// </summary>
    internal static IntegerGemmKernel<PackedTernaryCodes> Create(KernelIsa isa, bool preferSpecialized)
    {
        if (!KernelIsaSelector.IsSupported(isa))
            throw new PlatformNotSupportedException($"TernaryGemm for {isa} cannot run on this CPU or runtime configuration.");
        return isa switch
        {
            KernelIsa.Scalar => new IntegerGemmDriver<TernaryScalarPanel, PackedTernaryCodes>(),
            KernelIsa.AdvSimd when TernaryAdvSimdPanel.IsSupported => new IntegerGemmDriver<TernaryAdvSimdPanel, PackedTernaryCodes>(),
            KernelIsa.Vector128 when preferSpecialized && TernarySsePanel.IsSupported => new IntegerGemmDriver<TernarySsePanel, PackedTernaryCodes>(),
            KernelIsa.Vector128 or KernelIsa.AdvSimd => new IntegerGemmDriver<TernaryVector128Panel, PackedTernaryCodes>(),
            KernelIsa.Avx2 when preferSpecialized && AvxVnni.IsSupported => new IntegerGemmDriver<TernaryAvxVnniPanel, PackedTernaryCodes>(),
            KernelIsa.Avx2 => new IntegerGemmDriver<TernaryAvx2Panel, PackedTernaryCodes>(),
            KernelIsa.Avx512 => new IntegerGemmDriver<TernaryAvx512Panel, PackedTernaryCodes>(),
            _ => throw new ArgumentOutOfRangeException(nameof(isa), isa, "Unknown instruction-set family."),
        };
    }
}
