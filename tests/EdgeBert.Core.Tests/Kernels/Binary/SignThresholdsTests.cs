using EdgeBert.Kernels.Binary;

namespace EdgeBert.Core.Tests.Kernels.Binary;

[Category("Kernels")]
public class SignThresholdsTests
{
    /// <summary>Hand-picked (alpha, beta): boundaries on integers and half-integers, both signs, zero.</summary>
    private static readonly (float Alpha, float Beta)[] EdgeCases =
    [
        (1f, 0f), (1f, -3f), (1f, 3f), (2f, -5f), (0.5f, 0.25f), (-1f, 0f), (-1f, 4f), (-2f, -5f),
        (0f, 0f), (0f, -1f), (0f, 1f), (1f, -1000f), (1f, 1000f), (-1f, -1000f), (-1f, 1000f),
        (0.1f, -0.3f), (-0.1f, 0.3f), (3e-8f, 1e-7f), (1e6f, -1f), (-0f, -0.5f),
    ];

    [TestCase(1)]
    [TestCase(64)]
    [TestCase(769)]
    public void ThresholdsReproduceTheFloatFormulaForEveryDot(int k)
    {
        var rng = new Random(42 + k);
        var cases = EdgeCases.ToList();
        for (int i = 0; i < 40; i++)
        {
            float alpha = (rng.NextSingle() - 0.5f) * 3f;
            int boundary = rng.Next(-k, k + 1);
            // Every other random channel sits exactly on an achievable dot.
            float beta = i % 2 == 0 ? -(alpha * boundary) : (rng.NextSingle() - 0.5f) * 2f * k;
            cases.Add((alpha, beta));
        }
        float[] alphas = cases.Select(c => c.Alpha).ToArray(), betas = cases.Select(c => c.Beta).ToArray();
        var th = SignThresholds.Create(alphas, betas, cases.Count, k);
        for (int n = 0; n < cases.Count; n++)
        {
            for (int dot = -k; dot <= k; dot++)
            {
                bool expected = alphas[n] * dot + betas[n] < 0f;
                if (th.IsNegative(n, dot) != expected)
                {
                    Assert.Fail($"channel {n}: alpha={alphas[n]:R} beta={betas[n]:R} dot={dot} K={k} seed={42 + k}: got {!expected}");
                }
            }
        }
    }

    [Test]
    public void BadInputsAreClearErrors()
    {
        Assert.Throws<ArgumentException>(() => SignThresholds.Create([1f, 2f], [0f], 3, 10));
        Assert.Throws<ArgumentException>(() => SignThresholds.Create([1f], [0f, 1f], 3, 10));
        var ex = Assert.Throws<ArgumentException>(() => SignThresholds.Create([float.NaN], [0f], 3, 10));
        Assert.That(ex!.Message, Does.Contain("finite"));
        Assert.Throws<ArgumentException>(() => SignThresholds.Create([1f], [float.PositiveInfinity], 3, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => SignThresholds.Create([1f], [0f], 0, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => SignThresholds.Create([1f], [0f], 3, 0));
    }
}
