namespace EdgeBert.Encoder;

/// <summary>The encoder's LayerNorm, specified to the last bit (docs/inference.md).</summary>
internal static class Normalization
{
    /// <summary>
    /// y = (x − mean) · (1 / sqrt(var + eps)) · gamma + beta over each row of width
    /// <paramref name="width"/>, in place, with the biased variance. Statistics and the
    /// normalisation are evaluated in float64 and rounded once, so the result does not depend on
    /// vector width or summation order (unlike Kernels/Elementwise.LayerNorm, which sums in
    /// float32 vectors): the quantizer or sign() right after a LayerNorm then sees the same input
    /// on every machine and in the reference, and codes do not flip at rounding boundaries.
    /// A row is only H values, so the cost is small next to the GEMMs.
    /// </summary>
    public static void LayerNorm(Span<float> rows, int tokens, int width, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, float eps)
    {
        for (int m = 0; m < tokens; m++)
        {
            Span<float> x = rows.Slice(m * width, width);
            double mean = 0, variance = 0;
            for (int i = 0; i < x.Length; i++) mean += x[i];
            mean /= width;
            for (int i = 0; i < x.Length; i++) variance += (x[i] - mean) * (x[i] - mean);
            variance /= width;
            double inverse = 1.0 / Math.Sqrt(variance + eps);
            for (int i = 0; i < x.Length; i++) x[i] = (float)((x[i] - mean) * inverse * gamma[i] + beta[i]);
        }
    }
}
