using System.Numerics.Tensors;

namespace EdgeBert.Encoder.Quantization;

/// <summary>
/// BiBERT / BWN weight binarization (METHODS.md §3.1): per output row,
/// ŵ = α_row · sign(w − mean_row(w)) with α_row = mean_row|w| taken on the uncentred w.
/// sign(0) is +1, the bit convention of <see cref="Kernels.Packing.BinaryLayout"/>.
/// </summary>
public static class BinaryQuantizer
{
    /// <summary>
    /// Binarizes [rows, columns] into <paramref name="negative"/> (true = −1) and per-row
    /// <paramref name="alpha"/>.
    /// </summary>
    public static void BinarizeRows(ReadOnlySpan<float> weights, int rows, int columns, Span<bool> negative, Span<float> alpha)
    {
        Shapes.ThrowIfBad(weights.Length, rows, columns, nameof(weights));
        TernaryQuantizer.ThrowIfNotFinite(weights);
        if (negative.Length < weights.Length) throw new ArgumentException($"Sign span has {negative.Length} entries for {weights.Length} weights.", nameof(negative));
        if (alpha.Length < rows) throw new ArgumentException($"Alpha span has {alpha.Length} entries for {rows} rows.", nameof(alpha));
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = weights.Slice(r * columns, columns);
            float mean = TensorPrimitives.Sum(row) / columns;
            alpha[r] = TensorPrimitives.SumOfMagnitudes(row) / columns;
            for (int c = 0; c < columns; c++) negative[r * columns + c] = row[c] - mean < 0f;
        }
    }
}
