using System.Numerics.Tensors;

namespace EdgeBert.Trainer.Autograd;

public static partial class Ops
{
    /// <summary>
    /// LayerNorm over the last dimension: γ ⊙ (x − mean) / √(var + eps) + β with the biased
    /// variance, as torch.nn.functional.layer_norm. With <paramref name="float64"/> the forward is
    /// the runtime's (EdgeBert.Encoder.Normalization): statistics and (x − mean)·(1/√(var + eps))·γ + β
    /// in float64, summed in index order and rounded to float32 once; the backward is the same either way.
    /// </summary>
    /// <exception cref="ArgumentException">γ or β is not [H] for x [..., H], or eps is not positive.</exception>
    public static Tensor LayerNorm(Tensor x, Tensor gamma, Tensor beta, float eps = 1e-12f, bool float64 = false)
    {
        ShapeUtil.RequireRankAtLeast(x, 1, nameof(LayerNorm), nameof(x));
        int h = x.Dim(-1);
        if (gamma is null || gamma.Rank != 1 || gamma.Dim(0) != h || beta is null || beta.Rank != 1 || beta.Dim(0) != h)
        {
            throw new ArgumentException(
                $"LayerNorm: gamma and beta must be [{h}] for input {ShapeUtil.Format(x.Shape)}, got {gamma?.ToString() ?? "null"} and {beta?.ToString() ?? "null"}.");
        }

        if (!(eps > 0f)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "LayerNorm: eps must be positive.");
        int rows = h == 0 ? 0 : x.Length / h;
        float[] xd = x.Data, gd = gamma.Data, bd = beta.Data;
        var y = new float[x.Length];
        var xHat = new float[x.Length];
        var rstd = new float[rows];
        ParallelRows.For(rows, 4L * h, (s, e) =>
        {
            for (int r = s; r < e; r++)
            {
                ReadOnlySpan<float> xr = xd.AsSpan(r * h, h);
                Span<float> hr = xHat.AsSpan(r * h, h);
                if (float64)
                {
                    rstd[r] = LayerNormRow64(xr, gd, bd, eps, hr, y.AsSpan(r * h, h));
                    continue;
                }

                float mean = TensorPrimitives.Sum(xr) / h;
                TensorPrimitives.Subtract(xr, mean, hr);
                // Two passes (centre, then square) avoid the cancellation of E[x²] − E[x]².
                float variance = TensorPrimitives.SumOfSquares(hr) / h;
                float inv = 1f / MathF.Sqrt(variance + eps);
                rstd[r] = inv;
                TensorPrimitives.Multiply(hr, inv, hr);
                Span<float> yr = y.AsSpan(r * h, h);
                TensorPrimitives.MultiplyAdd(hr, gd, bd, yr);
            }
        });

        bool record = Tape.ShouldRecord(x, gamma, beta);
        var output = new Tensor(y, x.ShapeArray(), record);
        if (record)
        {
            Tape.Record(output, nameof(LayerNorm), [x, gamma, beta], g =>
            {
                if (x.RequiresGrad)
                {
                    float[] dx = x.GradBuffer();
                    ParallelRows.For(rows, 6L * h, (s, e) =>
                    {
                        var gy = new float[h];
                        for (int r = s; r < e; r++)
                        {
                            // dx = rstd · (ĝ − mean(ĝ) − x̂ · mean(ĝ ⊙ x̂)) with ĝ = g ⊙ γ.
                            ReadOnlySpan<float> hr = xHat.AsSpan(r * h, h);
                            TensorPrimitives.Multiply(g.AsSpan(r * h, h), gd, gy);
                            float meanG = TensorPrimitives.Sum(gy) / h;
                            float meanGx = TensorPrimitives.Dot(gy, hr) / h;
                            Span<float> dxr = dx.AsSpan(r * h, h);
                            for (int j = 0; j < h; j++) dxr[j] += rstd[r] * (gy[j] - meanG - hr[j] * meanGx);
                        }
                    });
                }

                if (gamma.RequiresGrad)
                {
                    float[] dg = gamma.GradBuffer();
                    for (int r = 0; r < rows; r++) TensorPrimitives.MultiplyAdd(g.AsSpan(r * h, h), xHat.AsSpan(r * h, h), dg, dg);
                }

                if (beta.RequiresGrad)
                {
                    float[] db = beta.GradBuffer();
                    for (int r = 0; r < rows; r++) TensorPrimitives.Add(db, g.AsSpan(r * h, h), db);
                }
            });
        }

        return output;
    }

    /// <summary>
    /// One row in float64 exactly as the runtime evaluates it (same operation order); writes x̂ and
    /// y rounded once and returns 1/√(var + eps) rounded, for the float32 backward.
    /// </summary>
    private static float LayerNormRow64(ReadOnlySpan<float> x, float[] gamma, float[] beta, float eps, Span<float> xHat, Span<float> y)
    {
        int h = x.Length;
        double mean = 0, variance = 0;
        for (int i = 0; i < h; i++) mean += x[i];
        mean /= h;
        for (int i = 0; i < h; i++) variance += (x[i] - mean) * (x[i] - mean);
        variance /= h;
        double inverse = 1.0 / Math.Sqrt(variance + eps);
        for (int i = 0; i < h; i++)
        {
            xHat[i] = (float)((x[i] - mean) * inverse);
            y[i] = (float)((x[i] - mean) * inverse * gamma[i] + beta[i]);
        }
        return (float)inverse;
    }
}
