using EdgeBert.Kernels.Integer;

namespace EdgeBert.Encoder.Quantization;

/// <summary>
/// Symmetric int8 quantization of weight rows (W8A8), the same rule as the A8 activations
/// (<see cref="Int8Quantization.QuantizeSymmetric"/>): scale = max|w_row| / 127,
/// q = round(w · (127 / max|w_row|)) (ties to even), value = scale · q. A row of zeros gets scale 0.
/// </summary>
public static class Int8RowQuantizer
{
    /// <summary>
    /// Quantizes [rows, columns] into <paramref name="values"/> with rows of
    /// <paramref name="rowStride"/> bytes (padding left 0) and one scale per row.
    /// </summary>
    public static void QuantizeRows(ReadOnlySpan<float> weights, int rows, int columns, Span<sbyte> values, int rowStride, Span<float> scales)
    {
        Shapes.ThrowIfBad(weights.Length, rows, columns, nameof(weights));
        TernaryQuantizer.ThrowIfNotFinite(weights);
        if (rowStride < columns) throw new ArgumentOutOfRangeException(nameof(rowStride), $"Row stride {rowStride} is below {columns} columns.");
        if (values.Length < (long)rows * rowStride) throw new ArgumentException($"Values span has {values.Length} bytes for {rows} rows of {rowStride}.", nameof(values));
        if (scales.Length < rows) throw new ArgumentException($"Scales span has {scales.Length} entries for {rows} rows.", nameof(scales));
        Int8Quantization.QuantizeSymmetric(weights, rows, columns, columns, values, rowStride, scales);
    }
}
