using EdgeBert.Kernels.Binary;
using EdgeBert.Kernels.Elementwise;

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

    [TestCase(1)]
    [TestCase(64)]
    [TestCase(769)]
    [TestCase(3072)]
    public void GeluThresholdsReproduceTheSignOfGeluForEveryDot(int k)
    {
        var rng = new Random(7 + k);
        float c = GeluSign.UnderflowCeiling;
        var cases = new List<(float Alpha, float Beta)>(EdgeCases)
        {
            (1f, c), (-1f, c), (1f, c - 0.5f), (-1f, c + 0.5f), (0f, c), (0f, c * 0.5f), (0f, c * 2f), (1e-6f, c), (-1e-6f, c),
            (0.01f, c), (-0.01f, c), (1e-45f, 0f), (-1e-45f, 0f), (1f, MathF.BitIncrement(c)), (1f, MathF.BitDecrement(c)),
        };
        for (int i = 0; i < 60; i++)
        {
            float alpha = (rng.NextSingle() - 0.5f) * (i % 3 == 0 ? 3f : 0.02f);
            int boundary = rng.Next(-k, k + 1);
            // Channels sit on GELU's underflow ceiling or on 0 at a reachable dot.
            float beta = (i % 2 == 0 ? c : 0f) - alpha * boundary;
            cases.Add((alpha, beta));
        }
        float[] alphas = cases.Select(e => e.Alpha).ToArray(), betas = cases.Select(e => e.Beta).ToArray();
        var th = SignThresholds.CreateGelu(alphas, betas, cases.Count, k);
        // At least 16 values, so Gelu.Apply runs its vector path wherever the process has one (as the encoder's does).
        var y = new float[Math.Max(2 * k + 1, 16)];
        var g = new float[y.Length];
        for (int n = 0; n < cases.Count; n++)
        {
            for (int dot = -k; dot <= k; dot++) y[dot + k] = alphas[n] * dot + betas[n];
            Gelu.Apply(y, g);
            for (int dot = -k; dot <= k; dot++)
            {
                bool expected = g[dot + k] < 0f;
                if (th.IsNegative(n, dot) != expected)
                {
                    Assert.Fail($"channel {n}: alpha={alphas[n]:R} beta={betas[n]:R} dot={dot} y={y[dot + k]:R} gelu={g[dot + k]:R} K={k}: got {!expected}");
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
