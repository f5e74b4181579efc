using EdgeBert.Encoder.Quantization;

namespace EdgeBert.Trainer.Quantization;

/// <summary>
/// Symmetric uniform k-bit weight quantization, <b>per row</b> (per output feature of a Linear,
/// per vocabulary row of an embedding), for the weight-only steps W8 and W4 of two-stage
/// progressive quantization (METHODS.md §4, §1.1 "8-bit weight option": symmetric max-abs):
/// Qmax = 2^(k−1) − 1, scale = max|w_row| / Qmax, ŵ = scale · clamp(round(w · Qmax / max|w_row|), −Qmax, Qmax)
/// with ties to even; a zero row stays zero. At 8 bits this is the Core
/// <see cref="Int8RowQuantizer"/> the runtime's W8A8 rows use, bit for bit; other widths apply the
/// same float operations with their own Qmax. Per row rather than per tensor because the runtime's
/// integer weights are per row and a row's outliers then cost only that row its resolution.
/// Backward: the identity STE (nothing is clipped, max-abs covers every weight). The quantizer
/// itself is <c>Torch/Quantization/TorchUniformWeight</c>; this class holds the grid's bounds.
/// </summary>
public static class UniformWeight
{
    /// <summary>The narrowest width (2 bits: codes −1, 0, 1).</summary>
    public const int MinBits = 2;

    /// <summary>The widest width (the runtime's int8 rows).</summary>
    public const int MaxBits = 8;

    /// <summary>The largest code of a symmetric <paramref name="bits"/>-bit grid: 2^(bits−1) − 1.</summary>
    public static int MaxCode(int bits) => (1 << (bits - 1)) - 1;
}
