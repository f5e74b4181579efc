using System.Runtime.Intrinsics;

namespace EdgeBert.Kernels.Elementwise;

/// <summary>
/// The sign of GELU without evaluating it, for binarized activations after GELU (the W1A1 FFN,
/// whose FFN-out input is sign(gelu(y)) with bit 1 only for a value &lt; 0). gelu(y) = y·Φ(y) has
/// the sign of y except where Φ underflows: for y ≤ <see cref="UnderflowCeiling"/> both the
/// runtime's <see cref="Gelu"/> and the trainer's GELU return −0 (or NaN at −∞), which packs
/// as +1. So sign(gelu(y)) is negative exactly for y in (<see cref="UnderflowCeiling"/>, 0),
/// with one exception that both GELUs share: without any SIMD (<c>DOTNET_EnableHWIntrinsic=0</c>)
/// their scalar forms round gelu(−float.Epsilon) to −0, while every vector form gives a negative
/// value; <see cref="IsNegative"/> follows whichever the process runs.
/// </summary>
/// <remarks>
/// Checked exhaustively over every float32 input, both signs, for the runtime's vector GELU
/// (Vector512, Vector256, Vector128: one per instruction-set mask), its scalar <see cref="Gelu.Of(float)"/>
/// and the trainer's former <c>Ops.Gelu</c> (its W1A1 students now use these runtime values:
/// <c>TorchRuntimeGelu</c>): benchmarks/gelu-sign-threshold (README.md there has the
/// results). A test keeps the boundary and its neighbourhood checked.
/// </remarks>
public static class GeluSign
{
    /// <summary>
    /// −14.142137f (bits 0xC1624631): the negative input closest to 0 whose GELU is not negative;
    /// every input at or below it gives a non-negative GELU, every input above it (and below 0) a negative one.
    /// </summary>
    public const float UnderflowCeiling = -14.142137f;

    /// <summary>Whether gelu(<paramref name="y"/>) &lt; 0, i.e. the packed sign bit of gelu(y) is 1.</summary>
    public static bool IsNegative(float y) =>
        y < 0f && y > UnderflowCeiling && (y != -float.Epsilon || Vector128.IsHardwareAccelerated);
}
