using System.Runtime.Intrinsics.X86;

namespace EdgeBert.Kernels.Integer;

/// <summary>
/// The W8A8 GEMM family (int8 weights with a per-row scale × int8 activations with a per-token
/// scale): registry and constructors. Weights come from <see cref="PackedInt8Weights.Pack"/>.
/// </summary>
public static class Int8Gemm
{
    private static readonly Lazy<IntegerGemmKernel<PackedInt8Weights>> s_active = new(() => For(KernelIsaSelector.Active));

    /// <summary>
    /// The implementation chosen for this process from <see cref="KernelIsaSelector.Active"/>.
    /// On an AVX-512 CPU that also has AVX-VNNI this is the 256-bit VNNI kernel: one
    /// <c>VPDPBUSD</c> ymm does the work of <c>vpmaddwd</c> zmm + add, and it measured faster
    /// (KERNELS.md lesson 11); <see cref="Create(KernelIsa)"/> still gives the AVX-512 kernel.
    /// </summary>
    public static IntegerGemmKernel<PackedInt8Weights> Active => s_active.Value;

    /// <summary>
    /// The implementation that runs W8A8 under the instruction-set family <paramref name="isa"/>,
    /// by the rule of <see cref="Active"/>: on an AVX-512 CPU with AVX-VNNI, the 256-bit VNNI
    /// kernel (about twice the AVX-512 <c>vpmaddwd</c> kernel's speed, benchmarks/RESULTS.md);
    /// otherwise <see cref="Create(KernelIsa)"/>. Models load their W8A8 layers with this, so
    /// <c>edgebert info</c> names the kernel they run.
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">The ISA cannot run in this process.</exception>
    public static IntegerGemmKernel<PackedInt8Weights> For(KernelIsa isa) => Create(PreferredIsa(isa));

    /// <summary>
    /// Constructs the implementation for <paramref name="isa"/>. <see cref="KernelIsa.Avx2"/>
    /// uses AVX-VNNI when the CPU has it; <see cref="KernelIsa.AdvSimd"/> uses <c>SDOT</c> where the
    /// CPU has the dot-product extension and the portable Vector128 kernel otherwise.
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">The ISA cannot run in this process.</exception>
    public static IntegerGemmKernel<PackedInt8Weights> Create(KernelIsa isa) => Create(isa, preferSpecialized: true);

    private static KernelIsa PreferredIsa(KernelIsa active) =>
        active == KernelIsa.Avx512 && AvxVnni.IsSupported && KernelIsaSelector.IsSupported(KernelIsa.Avx2) ? KernelIsa.Avx2 : active;

    /// <summary>
    /// As <see cref="Create(KernelIsa)"/>; <paramref name="preferSpecialized"/> = false (tests) forces the
    /// plain paths: the portable Vector128 kernel instead of the x86 SSE one, and the AVX2 <c>vpmaddwd</c> path.
    /// </summary>
    internal static IntegerGemmKernel<PackedInt8Weights> Create(KernelIsa isa, bool preferSpecialized)
    {
        if (!KernelIsaSelector.IsSupported(isa))
            throw new PlatformNotSupportedException($"Int8Gemm for {isa} cannot run on this CPU or runtime configuration.");
        return isa switch
        {
            KernelIsa.Scalar => new IntegerGemmDriver<Int8ScalarPanel, PackedInt8Weights>(),
            KernelIsa.AdvSimd when Int8AdvSimdPanel.IsSupported => new IntegerGemmDriver<Int8AdvSimdPanel, PackedInt8Weights>(),
            KernelIsa.Vector128 when preferSpecialized && Int8SsePanel.IsSupported => new IntegerGemmDriver<Int8SsePanel, PackedInt8Weights>(),
            KernelIsa.Vector128 or KernelIsa.AdvSimd => new IntegerGemmDriver<Int8Vector128Panel, PackedInt8Weights>(),
            KernelIsa.Avx2 when preferSpecialized && AvxVnni.IsSupported => new IntegerGemmDriver<Int8AvxVnniPanel, PackedInt8Weights>(),
            KernelIsa.Avx2 => new IntegerGemmDriver<Int8Avx2Panel, PackedInt8Weights>(),
            KernelIsa.Avx512 => new IntegerGemmDriver<Int8Avx512Panel, PackedInt8Weights>(),
            _ => throw new ArgumentOutOfRangeException(nameof(isa), isa, "Unknown instruction-set family."),
        };
    }
}
