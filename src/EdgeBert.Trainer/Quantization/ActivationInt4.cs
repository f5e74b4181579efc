using EdgeBert.Kernels.Packing;
using EdgeBert.Trainer.Autograd;

namespace EdgeBert.Trainer.Quantization;

/// <summary>
/// The runtime's A4 (docs/inference.md): dynamic per-token asymmetric min-max 4-bit codes with a
/// zero point (<see cref="BitPlanePacking.Quantize"/>), value = scale·(q − zp). A trainer forward
/// through it gives exactly the activations the W1A4 bit-serial GEMM sees. Identity STE: the
/// range always covers the row, so nothing is clipped.
/// </summary>
public static class ActivationInt4
{
    /// <summary>Bits per code.</summary>
    public const int Bits = 4;

    private static readonly CustomOp MinMaxOp = new("a4_minmax", ForwardMinMax, QuantizerChecks.IdentityBackward);

    /// <summary>Fake-quantizes every row of the last axis of <paramref name="x"/> as the runtime's A4.</summary>
    /// <exception cref="ArgumentException">An input is NaN or infinite.</exception>
    public static Tensor MinMax(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return MinMaxOp.Apply(x);
    }

    /// <summary>Per-row A4 fake quantization of [rows, columns] into <paramref name="values"/>.</summary>
    /// <exception cref="ArgumentException">A value is not finite or the spans do not fit.</exception>
    public static void Quantize(ReadOnlySpan<float> x, int columns, Span<float> values)
    {
        if (columns < 1 || x.Length % columns != 0) throw new ArgumentException($"a4_minmax: {x.Length} values are not rows of {columns}.", nameof(x));
        if (values.Length < x.Length) throw new ArgumentException($"a4_minmax: {values.Length} outputs for {x.Length} inputs.", nameof(values));
        var codes = new byte[columns];
        for (int r = 0; r < x.Length / columns; r++)
        {
            BitPlanePacking.Quantize(x.Slice(r * columns, columns), Bits, codes, out float scale, out int zeroPoint);
            Span<float> row = values.Slice(r * columns, columns);
            for (int c = 0; c < columns; c++) row[c] = scale * (codes[c] - zeroPoint);
        }
    }

    private static CustomResult ForwardMinMax(IReadOnlyList<Tensor> inputs)
    {
        Tensor x = inputs[0];
        QuantizerChecks.ThrowIfNotFinite(x, MinMaxOp.Name);
        var values = new float[x.Length];
        if (x.Length > 0) Quantize(x.Data, x.Dim(-1), values);
        return new CustomResult(values, x.ShapeArray());
    }
}
