using System.Numerics.Tensors;

namespace EdgeBert.Encoder;

/// <summary>
/// FP32 row operations of the encoder: LayerNorm, GELU (erf form, as BERT), ReLU, tanh.
/// Interim: on TensorPrimitives until Kernels/Elementwise of branch kint is merged.
/// </summary>
internal static class RowOps
{
    /// <summary>
    /// y = (x − mean) / sqrt(var + eps) · gamma + beta over each row of width <paramref name="width"/>,
    /// in place. Statistics and the normalisation are evaluated in float64 and rounded once, so
    /// the result is the correctly rounded value, independent of vector width and summation
    /// order: a quantizer or sign() right after a LayerNorm then sees the same input on every
    /// machine and in the trainer (docs/inference.md). A row is only H values; the cost is small.
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

    /// <summary>GELU(x) = x · Φ(x) = 0.5·x·(1 + erf(x/√2)), in place.</summary>
    public static void Gelu(Span<float> x)
    {
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            x[i] = (float)(0.5 * v * (1.0 + Erf(v * 0.7071067811865476)));
        }
    }

    /// <summary>ReLU in place.</summary>
    public static void Relu(Span<float> x) => TensorPrimitives.Max(x, 0f, x);

    /// <summary>
    /// erf in double precision (W. J. Cody's rational approximations are what libm uses; this is
    /// the shorter Numerical Recipes erfc Chebyshev fit, relative error below 1.2e-7, far below
    /// float resolution of the GELU output). .NET has no Math.Erf.
    /// </summary>
    public static double Erf(double x)
    {
        double z = Math.Abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double erfc = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
            t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
            t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1.0 - erfc : erfc - 1.0;
    }
}
