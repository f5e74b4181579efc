using System.Numerics.Tensors;

namespace EdgeBert.Kernels.Elementwise;

/// <summary>
/// Row-wise layer normalization as in BERT and <c>torch.nn.LayerNorm</c>:
/// <c>y = (x − mean) / sqrt(var + eps) · gamma + beta</c> with the biased variance.
/// </summary>
public static class LayerNorm
{
    /// <summary>The epsilon BERT checkpoints use.</summary>
    public const float BertEpsilon = 1e-12f;

    /// <summary>
    /// Normalizes each of <paramref name="rows"/> contiguous rows of <paramref name="cols"/> values.
    /// <paramref name="y"/> may be the same span as <paramref name="x"/> (in place).
    /// </summary>
    /// <exception cref="ArgumentException">A span is too short, gamma/beta do not have cols values, or eps is not positive.</exception>
    public static void Apply(ReadOnlySpan<float> x, Span<float> y, int rows, int cols,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, float epsilon)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cols);
        if (!(epsilon > 0f)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "LayerNorm epsilon must be positive.");
        RowChecks.Matrix(x.Length, rows, cols, nameof(x));
        RowChecks.Matrix(y.Length, rows, cols, nameof(y));
        RowChecks.Vector(gamma.Length, cols, nameof(gamma));
        RowChecks.Vector(beta.Length, cols, nameof(beta));
        for (int r = 0; r < rows; r++)
        {
            Span<float> dst = y.Slice(r * cols, cols);
            float mean = TensorPrimitives.Sum(x.Slice(r * cols, cols)) / cols;
            // Two passes (centre, then square) for the variance: no cancellation when |mean| ≫ std.
            TensorPrimitives.Subtract(x.Slice(r * cols, cols), mean, dst);
            float variance = TensorPrimitives.SumOfSquares(dst) / cols;
            TensorPrimitives.Multiply(dst, 1f / MathF.Sqrt(variance + epsilon), dst);
            TensorPrimitives.FusedMultiplyAdd(dst, gamma, beta, dst);
        }
    }
}
