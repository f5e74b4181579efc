using EdgeBert.Kernels.Packing;
using EdgeBert.Trainer.Autograd;

namespace EdgeBert.Trainer.Quantization;

/// <summary>
/// The runtime's A4 as an autograd op, for the progressive W1A4 student: dynamic per-token
/// (per row of the last axis) asymmetric min-max 4-bit codes with a zero point,
/// <see cref="BitPlanePacking.Quantize"/> itself — lo = min(min x, 0), hi = max(max x, 0),
/// scale = (hi − lo)/15, zp = clamp(round(−lo/scale), 0, 15), q = clamp(round(x/scale) + zp, 0, 15),
/// value = scale·(q − zp) — so the trainer feeds its GEMM the same numbers the bit-serial kernel sees.
/// Le et al. do not say which activation quantizer they used; this is the one the runtime runs
/// (not BinaryBERT's LSQ, which the runtime cannot execute).
/// Backward: identity STE. The range always contains every element, so nothing is clipped and
/// there is no outside region to zero.
/// </summary>
public static class ProgressiveActivation4
{
    /// <summary>Bits per activation code.</summary>
    public const int Bits = 4;

    private static readonly CustomOp Op = new("a4_minmax", Forward, QuantizerChecks.IdentityBackward);

    /// <summary>Fake-quantizes <paramref name="x"/> per token.</summary>
    /// <exception cref="ArgumentException">An input is NaN or infinite, or x has no axis.</exception>
    public static Tensor Apply(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Op.Apply(x);
    }

    private static CustomResult Forward(IReadOnlyList<Tensor> inputs)
    {
        Tensor x = inputs[0];
        QuantizerChecks.ThrowIfNotFinite(x, Op.Name);
        var (rows, columns) = QuantizerChecks.Rows(x, Op.Name);
        var values = new float[x.Length];
        var codes = new byte[columns];
        for (int r = 0; r < rows; r++)
        {
            BitPlanePacking.Quantize(x.Data.AsSpan(r * columns, columns), Bits, codes, out float scale, out int zeroPoint);
            Span<float> dst = values.AsSpan(r * columns, columns);
            for (int c = 0; c < columns; c++) dst[c] = scale * (codes[c] - zeroPoint);
        }
        return new CustomResult(values, x.ShapeArray());
    }
}
