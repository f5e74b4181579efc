using EdgeBert.Trainer.Autograd;

namespace EdgeBert.Trainer.Tests.Autograd;

/// <summary>
/// Central finite-difference gradient check. The objective is L = Σ f(inputs) ⊙ R for a fixed
/// random R (so every output element matters), accumulated in double; the analytic gradient comes
/// from <c>Backward(R)</c>. Error per input = max|analytic − numeric| / max(max|numeric|, 1e-2),
/// required ≤ 1e-3: the worst op measured so far is 1e-4 (float32 forward, eps 1e-2), and a 1%
/// error in one term of a backward formula must fail.
/// </summary>
internal static class GradCheck
{
    public const double Tolerance = 1e-3;

    /// <param name="op">Name shown on failure.</param>
    /// <param name="seed">Seed of R, shown on failure.</param>
    /// <param name="f">The function; must be deterministic (recreate RNGs inside).</param>
    /// <param name="inputs">Tensors; those requiring grad are checked.</param>
    /// <param name="eps">Finite-difference step.</param>
    public static void Check(string op, int seed, Func<Tensor[], Tensor> f, Tensor[] inputs, float eps = 1e-2f)
    {
        foreach (Tensor t in inputs) t.ZeroGrad();
        Tensor y = f(inputs);
        string where = $"{op} output {ShapeOf(y)} inputs {string.Join(" ", inputs.Select(ShapeOf))} seed {seed}";
        Assert.That(y.RequiresGrad, Is.True, $"{where}: output does not require grad");
        var rng = new Random(seed);
        var r = new float[y.Length];
        for (int i = 0; i < r.Length; i++) r[i] = (float)(rng.NextDouble() * 2 - 1);
        y.Backward(r);

        for (int t = 0; t < inputs.Length; t++)
        {
            Tensor x = inputs[t];
            if (!x.RequiresGrad) continue;
            float[] analytic = x.Grad ?? new float[x.Length];
            var numeric = new double[x.Length];
            for (int i = 0; i < x.Length; i++)
            {
                float saved = x.Data[i];
                x.Data[i] = saved + eps;
                double plus = Objective(f, inputs, r);
                x.Data[i] = saved - eps;
                double minus = Objective(f, inputs, r);
                x.Data[i] = saved;
                numeric[i] = (plus - minus) / (2.0 * eps);
            }

            double maxNumeric = numeric.Max(Math.Abs);
            double maxDiff = 0;
            int worst = 0;
            for (int i = 0; i < x.Length; i++)
            {
                double d = Math.Abs(analytic[i] - numeric[i]);
                if (d > maxDiff) (maxDiff, worst) = (d, i);
            }

            double error = maxDiff / Math.Max(maxNumeric, 1e-2);
            TestContext.Out.WriteLine($"{where}: input {t} relative error {error:G3}");
            Assert.That(error, Is.LessThanOrEqualTo(Tolerance),
                $"{where}: gradient of input {t} off by {error:G3} (worst element {worst}: analytic {analytic[worst]}, numeric {numeric[worst]})");
            Assert.That(maxNumeric, Is.GreaterThan(1e-3), $"{where}: input {t} has a vanishing gradient; the check would prove nothing");
        }
    }

    private static double Objective(Func<Tensor[], Tensor> f, Tensor[] inputs, float[] r)
    {
        using (Tape.NoGrad())
        {
            Tensor y = f(inputs);
            double s = 0;
            for (int i = 0; i < r.Length; i++) s += (double)y.Data[i] * r[i];
            return s;
        }
    }

    private static string ShapeOf(Tensor t) => "[" + string.Join(", ", t.ShapeArray()) + "]";
}
