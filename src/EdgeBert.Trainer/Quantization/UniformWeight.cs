using System.Numerics.Tensors;
using EdgeBert.Encoder.Quantization;
using EdgeBert.Trainer.Autograd;
using Tensor = EdgeBert.Trainer.Autograd.Tensor;

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
/// Backward: the identity STE (nothing is clipped, max-abs covers every weight).
/// </summary>
public static class UniformWeight
{
    /// <summary>The narrowest width (2 bits: codes −1, 0, 1).</summary>
    public const int MinBits = 2;

    /// <summary>The widest width (the runtime's int8 rows).</summary>
    public const int MaxBits = 8;

    private static readonly CustomOp[] Ops = [.. Enumerable.Range(0, MaxBits + 1).Select(bits =>
        new CustomOp($"uniform_w{bits}_rows", inputs => Forward(inputs[0], bits), QuantizerChecks.IdentityBackward))];

    /// <summary>Per-row symmetric <paramref name="bits"/>-bit quantization of a matrix [rows, columns].</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bits"/> is outside [2, 8].</exception>
    /// <exception cref="ArgumentException">The weight is not a matrix or holds NaN or infinity.</exception>
    public static Tensor ApplyRows(Tensor weight, int bits)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentOutOfRangeException.ThrowIfLessThan(bits, MinBits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, MaxBits);
        QuantizerChecks.ThrowIfNotMatrix(weight, Ops[bits].Name);
        return Ops[bits].Apply(weight);
    }

    /// <summary>The largest code of a symmetric <paramref name="bits"/>-bit grid: 2^(bits−1) − 1.</summary>
    public static int MaxCode(int bits) => (1 << (bits - 1)) - 1;

    private static CustomResult Forward(Tensor w, int bits)
    {
        int rows = w.Dim(0), columns = w.Dim(1);
        QuantizerChecks.ThrowIfNotFinite(w, Ops[bits].Name);
        var values = new float[w.Length];
        if (bits == 8)
        {
            // The runtime's own rule, so a W8 latent weight means exactly what an exported int8 row would.
            var codes = new sbyte[w.Length];
            var scales = new float[rows];
            Int8RowQuantizer.QuantizeRows(w.Data, rows, columns, codes, columns, scales);
            for (int i = 0; i < values.Length; i++) values[i] = scales[i / columns] * codes[i];
            return new CustomResult(values, w.ShapeArray());
        }

        float qmax = MaxCode(bits);
        var tmp = new float[columns];
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = w.Data.AsSpan(r * columns, columns);
            float absMax = Math.Abs(TensorPrimitives.MaxMagnitude(row));
            if (absMax == 0f) continue;
            // The same float steps as Int8Quantization.QuantizeSymmetric with 127 replaced by Qmax.
            float scale = absMax / qmax;
            TensorPrimitives.Multiply(row, qmax / absMax, tmp);
            TensorPrimitives.Round(tmp, tmp);
            TensorPrimitives.Max(tmp, -qmax, tmp);
            TensorPrimitives.Min(tmp, qmax, tmp);
            Span<float> dst = values.AsSpan(r * columns, columns);
            TensorPrimitives.Multiply(tmp, scale, dst);
        }
        return new CustomResult(values, w.ShapeArray());
    }
}
