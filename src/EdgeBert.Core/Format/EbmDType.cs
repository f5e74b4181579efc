namespace EdgeBert.Format;

/// <summary>Storage type of a tensor in an <c>.ebm</c> file; layouts are in docs/format.md.</summary>
public enum EbmDType : byte
{
    /// <summary>IEEE float32, row-major, no padding.</summary>
    F32 = 1,

    /// <summary>IEEE float16 (storage only), row-major, no padding.</summary>
    F16 = 2,

    /// <summary>Signed bytes [N, K], rows padded to 64 bytes, one float32 scale per row.</summary>
    I8 = 3,

    /// <summary>One bit per value (1 = −1) [N, K], rows of ceil(K/64) 64-bit words; alpha per row or tensor.</summary>
    Binary = 4,

    /// <summary>Two bit planes (sign, nonzero) in the binary layout; alpha per row or tensor.</summary>
    Ternary = 5,
}

/// <summary>How many float32 scales (alpha) a tensor carries.</summary>
public enum EbmScaleKind : byte
{
    /// <summary>No scales (f32, f16).</summary>
    None = 0,

    /// <summary>One scale for the whole tensor.</summary>
    PerTensor = 1,

    /// <summary>One scale per row (N values for a [N, K] tensor).</summary>
    PerRow = 2,
}
