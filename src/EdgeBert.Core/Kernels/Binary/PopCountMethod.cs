namespace EdgeBert.Kernels.Binary;

/// <summary>How the W1A1 GEMM counts bits (KERNELS.md lessons 4 and 5).</summary>
public enum PopCountMethod
{
    /// <summary>
    /// The fastest this process has: the sextet vpermb lookup on AVX-512 VBMI, otherwise the
    /// lookup or Harley–Seal for each product's depth K (<see cref="BinaryGemm.HarleySealMinKWords"/>).
    /// </summary>
    PerShape,

    /// <summary>The vpshufb nibble lookup on every product.</summary>
    Lookup,

    /// <summary>Harley–Seal carry-save adders on every product (AVX-512; elsewhere the lookup).</summary>
    HarleySeal,

    /// <summary>
    /// 6 bits per byte and one vpermb 64-entry lookup per byte on every product (AVX-512 VBMI;
    /// elsewhere the per-shape choice).
    /// </summary>
    Sextet,
}
