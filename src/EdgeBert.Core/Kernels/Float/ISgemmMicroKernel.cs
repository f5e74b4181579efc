namespace EdgeBert.Kernels.Float;

/// <summary>
/// A register-blocked SGEMM micro-kernel: an <c>Mr × Nr</c> tile of C kept in registers while
/// the packed A sliver (<c>kc × Mr</c>) and B sliver (<c>kc × Nr</c>) stream through.
/// One struct per instruction set, so the blocked driver is specialised (and inlined) per ISA.
/// </summary>
internal unsafe interface ISgemmMicroKernel
{
    /// <summary>Rows of the register tile (A rows broadcast per k step).</summary>
    static abstract int Mr { get; }

    /// <summary>Columns of the register tile (B vector width times vectors per row).</summary>
    static abstract int Nr { get; }

    /// <summary>The instruction set the kernel needs.</summary>
    static abstract KernelIsa Isa { get; }

    /// <summary>
    /// <c>C[r*ldc + j] += Σ_p a[p*Mr + r] · b[p*Nr + j]</c> for r &lt; Mr, j &lt; Nr.
    /// </summary>
    static abstract void Run(int kc, float* a, float* b, float* c, int ldc);

    /// <summary>
    /// Rows of <see cref="RunShort"/>: a kernel for the last, partial row tile (128 tokens are
    /// 10 × 12 + 8 rows), so it does not pay for Mr rows. <see cref="Mr"/> where there is none.
    /// </summary>
    static abstract int ShortRows { get; }

    /// <summary>As <see cref="Run"/> for the first <see cref="ShortRows"/> rows only (the A sliver is still Mr wide).</summary>
    static abstract void RunShort(int kc, float* a, float* b, float* c, int ldc);
}
