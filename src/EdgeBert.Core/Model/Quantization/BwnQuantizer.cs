using System.Numerics.Tensors;

namespace EdgeBert.Encoder.Quantization;

/// <summary>
/// BinaryBERT's BWN weight binarization (METHODS.md §2.2): ŵ = α·sign(w) with α = mean|w|, one α
/// per tensor (linears) or per row (the word embedding), on the uncentred w (unlike BiBERT's
/// <see cref="BinaryQuantizer"/>). sign(0) is +1, the runtime's bit convention. The trainer's
/// forward and the exporter both call this, so the trained and the exported α are the same float.
/// </summary>
public static class BwnQuantizer
{
    /// <summary>Binarizes a whole tensor into <paramref name="negative"/> (true = −1); returns α = mean|w| (0 for no weights).</summary>
    /// <exception cref="ArgumentException">A weight is NaN or infinite, or <paramref name="negative"/> is too short.</exception>
    public static float Binarize(ReadOnlySpan<float> weights, Span<bool> negative)
    {
        TernaryQuantizer.ThrowIfNotFinite(weights);
        if (negative.Length < weights.Length) throw new ArgumentException($"Sign span has {negative.Length} entries for {weights.Length} weights.", nameof(negative));
        for (int i = 0; i < weights.Length; i++) negative[i] = weights[i] < 0f;
        return weights.Length == 0 ? 0f : TensorPrimitives.SumOfMagnitudes(weights) / weights.Length;
    }

    /// <summary>Binarizes each row of [rows, columns] with its own α = mean_row|w|.</summary>
    /// <exception cref="ArgumentException">A shape or span length is wrong, or a weight is not finite.</exception>
    public static void BinarizeRows(ReadOnlySpan<float> weights, int rows, int columns, Span<bool> negative, Span<float> alpha)
    {
        Shapes.ThrowIfBad(weights.Length, rows, columns, nameof(weights));
        if (alpha.Length < rows) throw new ArgumentException($"Alpha span has {alpha.Length} entries for {rows} rows.", nameof(alpha));
        if (negative.Length < weights.Length) throw new ArgumentException($"Sign span has {negative.Length} entries for {weights.Length} weights.", nameof(negative));
        for (int r = 0; r < rows; r++)
        {
            alpha[r] = Binarize(weights.Slice(r * columns, columns), negative.Slice(r * columns, columns));
        }
    }
}
