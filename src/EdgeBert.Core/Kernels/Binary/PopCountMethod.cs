namespace EdgeBert.Kernels.Binary;

/// <summary>How the W1A1 GEMM counts bits (KERNELS.md lessons 4 and 5).</summary>
public enum PopCountMethod
{
    /// <summary>
    /// The fastest this process has: the sextet vpermb table on AVX-512 VBMI, otherwise the
    /// lookup or Harley–Seal for each product's depth K (<see cref="BinaryGemm.HarleySealMinKWords"/>).
    /// </summary>
    PerShape,

    /// <summary>The vpshufb nibble lookup on every product.</summary>
    Lookup,

    /// <summary>Harley–Seal carry-save adders on every product (AVX-512; elsewhere the lookup).</summary>
    HarleySeal,

    /// <summary>
    /// 6 bits of K per byte, the weights as vpermb indices into the row of a popcount(a ⊕ w)
    /// table that each activation sextet picks, 64 outputs per vector (AVX-512 VBMI, products
    /// with K ≤ 65,535; elsewhere, and deeper, the per-shape choice).
    /// </summary>
    Sextet,
}
