namespace EdgeBert.Kernels.Binary;

/// <summary>How the W1A1 GEMM counts bits (KERNELS.md lessons 4 and 5).</summary>
public enum PopCountMethod
{
    /// <summary>The faster of the two for each product's depth K (<see cref="BinaryGemm.HarleySealMinKWords"/>).</summary>
    PerShape,

    /// <summary>The vpshufb nibble lookup on every product.</summary>
    Lookup,

    /// <summary>Harley–Seal carry-save adders on every product (AVX-512; elsewhere the lookup).</summary>
    HarleySeal,
}
