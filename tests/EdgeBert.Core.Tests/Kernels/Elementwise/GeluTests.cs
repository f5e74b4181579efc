using EdgeBert.Kernels.Elementwise;

namespace EdgeBert.Core.Tests.Kernels.Elementwise;

[Category("Kernels")]
public class GeluTests
{
    // torch.nn.functional.gelu (approximate='none') in float32, PyTorch 1.13 on this machine:
    // python3 -c "import torch; print(torch.nn.functional.gelu(torch.tensor([...])))"
    private static readonly float[] s_torchX =
    [
        -8.0f, -5.5f, -3.0f, -2.25f, -1.5f, -1.0f, -0.75f, -0.5f, -0.25f, -0.0010000000474974513f, 0.0f,
        0.0010000000474974513f, 0.10000000149011612f, 0.25f, 0.5f, 0.707099974155426f, 1.0f, 1.5f, 2.0f, 3.0f,
        4.5f, 6.0f, 8.0f, 10.0f,
    ];

    private static readonly double[] s_torchY =
    [
        0.000000000e+00, -1.639127731e-07, -4.049867392e-03, -2.750498056e-02, -1.002108604e-01, -1.586552858e-01,
        -1.699704677e-01, -1.542687863e-01, -1.003234312e-01, -4.996011266e-04, 0.000000000e+00, 5.003989208e-04,
        5.398279056e-02, 1.496765614e-01, 3.457311988e-01, 5.375712514e-01, 8.413447142e-01, 1.399789095e+00,
        1.954499960e+00, 2.995950222e+00, 4.499984741e+00, 6.000000000e+00, 8.000000000e+00, 1.000000000e+01,
    ];

    [Test]
    public void MatchesPyTorchWithin1e6()
    {
        var y = new float[s_torchX.Length];
        Gelu.Apply(s_torchX, y);
        for (int i = 0; i < y.Length; i++)
            Assert.That(y[i], Is.EqualTo(s_torchY[i]).Within(1e-6), $"gelu({s_torchX[i]})");
    }

    /// <summary>erf by its all-positive series (no cancellation): 2/√π·e^(−z²)·Σ 2ⁿz^(2n+1)/(1·3·…·(2n+1)).</summary>
    private static double Erf(double z)
    {
        double a = Math.Abs(z), term = a, sum = a;
        for (int n = 1; n < 400 && term > 1e-18 * sum; n++)
        {
            term *= 2 * a * a / (2 * n + 1);
            sum += term;
        }
        return Math.Sign(z) * 2 / Math.Sqrt(Math.PI) * Math.Exp(-a * a) * sum;
    }

    // torch.autograd on gelu(x).sum() for x = -6, -3, -1.5, -1, -0.5, -0.1, 0, 0.1, 0.5, 1, 1.5, 3, 6.
    private static readonly float[] s_gradX = [-6f, -3f, -1.5f, -1f, -0.5f, -0.1f, 0f, 0.1f, 0.5f, 1f, 1.5f, 3f, 6f];

    private static readonly double[] s_torchGrad =
    [
        -2.980232239e-08, -1.194560528e-02, -1.274691522e-01, -8.331543207e-02, 1.325049102e-01, 4.204768240e-01,
        5.000000000e-01, 5.795231462e-01, 8.674950600e-01, 1.083315372e+00, 1.127469182e+00, 1.011945605e+00, 1.000000000e+00,
    ];

    [Test]
    public void BackwardMatchesPyTorchAutogradAndFiniteDifferences()
    {
        var dx = new float[s_gradX.Length];
        var ones = Enumerable.Repeat(1f, s_gradX.Length).ToArray();
        Gelu.Backward(s_gradX, ones, dx);
        for (int i = 0; i < dx.Length; i++)
            Assert.That(dx[i], Is.EqualTo(s_torchGrad[i]).Within(1e-6), $"gelu'({s_gradX[i]})");

        // Every length 0..100 (vector tails), against a central difference of the float64 reference.
        var rng = new Random(19);
        for (int n = 0; n <= 100; n++)
        {
            float[] x = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 10 - 5)).ToArray();
            float[] dy = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            var g = new float[n];
            Gelu.Backward(x, dy, g);
            for (int i = 0; i < n; i++)
            {
                const double h = 1e-4;
                double fd = (Reference(x[i] + h) - Reference(x[i] - h)) / (2 * h);
                Assert.That(g[i], Is.EqualTo(dy[i] * fd).Within(2e-6), $"length {n} index {i} x={x[i]} seed=19");
            }
            Gelu.Backward(x, dy, dy);
            Assert.That(dy, Is.EqualTo(g), $"dx aliasing dy, length {n}");
        }
        Assert.Throws<ArgumentException>(() => Gelu.Backward(new float[3], new float[3], new float[2]));
    }

    private static double Reference(double x) => 0.5 * x * (1 + Erf(x / Math.Sqrt(2)));

    [Test]
    public void EveryLengthUpTo256MatchesScalarInAndOutOfPlace()
    {
        var rng = new Random(17);
        for (int n = 0; n <= 256; n++)
        {
            float[] x = Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 12 - 6)).ToArray();
            var y = new float[n];
            Gelu.Apply(x, y);
            var inPlace = (float[])x.Clone();
            Gelu.Apply(inPlace, inPlace);
            Assert.That(inPlace, Is.EqualTo(y), $"in place, length {n} seed=17");
            for (int i = 0; i < n; i++)
                Assert.That(y[i], Is.EqualTo(Gelu.Of(x[i])).Within(2e-7 + 2e-7 * Math.Abs(y[i])), $"length {n} index {i} seed=17");
        }
    }

    [Test]
    public void SweepMatchesSeriesReferenceAcrossChunks()
    {
        // 1201 values in [-6, 6]: crosses the 512-value chunking twice, odd tail.
        var x = Enumerable.Range(0, 1201).Select(i => -6f + i * 0.01f).ToArray();
        var y = new float[x.Length];
        Gelu.Apply(x, y);
        for (int i = 0; i < x.Length; i++)
        {
            double exact = 0.5 * x[i] * (1 + Erf(x[i] / Math.Sqrt(2)));
            Assert.That(y[i], Is.EqualTo(exact).Within(2e-7 + 1.2e-7 * Math.Abs(exact)), $"gelu({x[i]}) index {i}");
        }
        var inPlace = (float[])x.Clone();
        Gelu.Apply(inPlace, inPlace);
        Assert.That(inPlace, Is.EqualTo(y));
        Assert.Throws<ArgumentException>(() => Gelu.Apply(new float[3], new float[2]));
        Gelu.Apply([], []);
    }

    /// <summary>Rows over threads give exactly the single call's floats.</summary>
    [TestCase(1, 3072, 2)]
    [TestCase(37, 64, 2)]
    [TestCase(20, 13, 2)]
    [TestCase(9, 100, 1)]
    public void RowsOverThreadsEqualOneCall(int rows, int width, int threads)
    {
        var rng = new Random(rows * 31 + width);
        float[] x = Enumerable.Range(0, rows * width).Select(_ => (float)(rng.NextDouble() * 16 - 8)).ToArray();
        var expected = new float[x.Length];
        Gelu.Apply(x, expected);
        GeluRows.Apply(x, rows, width, threads);
        Assert.That(x, Is.EqualTo(expected), $"rows={rows} width={width} threads={threads}");
    }
}
