using System.Numerics.Tensors;

namespace EdgeBert.Kernels.Elementwise;

/// <summary>Row softmax for attention scores, with an optional key mask.</summary>
public static class Softmax
{
    /// <summary>
    /// In place, each of <paramref name="rows"/> rows of <paramref name="cols"/> scores becomes
    /// <c>exp(s − max) / Σ exp(s − max)</c> over the kept columns; masked columns become exactly 0
    /// (BERT's −10000 additive mask, made exact). A row with every column masked becomes all 0,
    /// never NaN.
    /// </summary>
    /// <param name="scores">[rows, cols], row-major.</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="cols">Row length (keys).</param>
    /// <param name="keep">cols flags (true = attend), or empty to keep every column.</param>
    /// <exception cref="ArgumentException">Spans too short or a mask of the wrong length.</exception>
    public static void MaskedRows(Span<float> scores, int rows, int cols, ReadOnlySpan<bool> keep)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cols);
        RowChecks.Matrix(scores.Length, rows, cols, nameof(scores));
        if (!keep.IsEmpty) RowChecks.Vector(keep.Length, cols, nameof(keep));
        bool anyKept = keep.IsEmpty || keep.Contains(true);
        for (int r = 0; r < rows; r++)
        {
            Span<float> row = scores.Slice(r * cols, cols);
            if (!anyKept)
            {
                row.Clear();
                continue;
            }
            if (!keep.IsEmpty)
            {
                for (int j = 0; j < cols; j++)
                {
                    if (!keep[j]) row[j] = float.NegativeInfinity;
                }
            }
            float max = TensorPrimitives.Max(row);
            TensorPrimitives.Subtract(row, max, row);
            TensorPrimitives.Exp(row, row);
            TensorPrimitives.Multiply(row, 1f / TensorPrimitives.Sum(row), row);
        }
    }
}
