using System.Numerics.Tensors;

namespace EdgeBert.Encoder.Quantization;

/// <summary>
/// TWN ternarization as in TernaryBERT's code (METHODS.md §1.1): Δ = 0.7·mean|w|,
/// w_t = sign(w) where |w| &gt; Δ else 0, and α = mean of |w| over the kept weights.
/// </summary>
public static class TernaryQuantizer
{
    /// <summary>The TWN threshold factor: Δ = 0.7 · mean|w|.</summary>
    public const float ThresholdFactor = 0.7f;

    /// <summary>
    /// Ternarizes a whole tensor (per-tensor α) into <paramref name="values"/> ∈ {−1, 0, +1}.
    /// Returns α (0 when every weight is 0).
    /// </summary>
    public static float Ternarize(ReadOnlySpan<float> weights, Span<sbyte> values)
    {
        if (values.Length < weights.Length)
        {
            throw new ArgumentException($"Values span has {values.Length} entries for {weights.Length} weights.", nameof(values));
        }
        ThrowIfNotFinite(weights);
        if (weights.IsEmpty) return 0f;
        float delta = ThresholdFactor * (TensorPrimitives.SumOfMagnitudes(weights) / weights.Length);
        double kept = 0;
        int count = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            float w = weights[i];
            if (MathF.Abs(w) > delta)
            {
                values[i] = w < 0 ? (sbyte)-1 : (sbyte)1;
                kept += MathF.Abs(w);
                count++;
            }
            else
            {
                values[i] = 0;
            }
        }
        return count == 0 ? 0f : (float)(kept / count);
    }

    /// <summary>Ternarizes each row on its own (per-row α, as for a ternary word embedding).</summary>
    public static void TernarizeRows(ReadOnlySpan<float> weights, int rows, int columns, Span<sbyte> values, Span<float> alpha)
    {
        Shapes.ThrowIfBad(weights.Length, rows, columns, nameof(weights));
        if (alpha.Length < rows) throw new ArgumentException($"Alpha span has {alpha.Length} entries for {rows} rows.", nameof(alpha));
        for (int r = 0; r < rows; r++)
        {
            alpha[r] = Ternarize(weights.Slice(r * columns, columns), values.Slice(r * columns, columns));
        }
    }

    internal static void ThrowIfNotFinite(ReadOnlySpan<float> weights)
    {
        for (int i = 0; i < weights.Length; i++)
        {
            if (!float.IsFinite(weights[i])) throw new ArgumentException($"Weight {i} is {weights[i]}; weights must be finite.", nameof(weights));
        }
    }
}
