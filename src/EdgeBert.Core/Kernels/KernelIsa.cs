namespace EdgeBert.Kernels;

/// <summary>
/// An instruction-set family a kernel can be implemented for. Every kernel has a
/// <see cref="Scalar"/> reference; the others are SIMD paths chosen at start-up.
/// </summary>
public enum KernelIsa
{
    /// <summary>Plain loops: the oracle every other path is tested against.</summary>
    Scalar = 0,

    /// <summary>Portable <c>Vector128</c> code (SSE on x86, NEON on ARM through the JIT).</summary>
    Vector128 = 1,

    /// <summary>ARM AdvSimd intrinsics (<c>PopCount</c>, pairwise widening adds).</summary>
    AdvSimd = 2,

    /// <summary>x86 AVX2 (256-bit) with FMA; AvxVnni is used where available.</summary>
    Avx2 = 3,

    /// <summary>x86 AVX-512 F/BW (512-bit, <c>TernaryLogic</c>).</summary>
    Avx512 = 4,
}
