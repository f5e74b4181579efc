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
}

[Category("Kernels")]
public class LayerNormTests
{
    [TestCase(1, 1, 1)]
    [TestCase(3, 7, 2)]
    [TestCase(5, 768, 3)]
    [TestCase(2, 1025, 4)]
    public void MatchesFloat64Reference(int rows, int cols, int seed)
    {
        var rng = new Random(seed);
        // An offset mean of 30 checks the two-pass variance.
        float[] x = Enumerable.Range(0, rows * cols).Select(_ => (float)(30 + rng.NextDouble() * 4 - 2)).ToArray();
        float[] gamma = Enumerable.Range(0, cols).Select(_ => (float)(rng.NextDouble() + 0.5)).ToArray();
        float[] beta = Enumerable.Range(0, cols).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var y = new float[x.Length];
        LayerNorm.Apply(x, y, rows, cols, gamma, beta, 1e-5f);
        for (int r = 0; r < rows; r++)
        {
            double mean = 0, variance = 0;
            for (int j = 0; j < cols; j++) mean += x[r * cols + j];
            mean /= cols;
            for (int j = 0; j < cols; j++) variance += Math.Pow(x[r * cols + j] - mean, 2);
            variance /= cols;
            for (int j = 0; j < cols; j++)
            {
                double e = (x[r * cols + j] - mean) / Math.Sqrt(variance + 1e-5) * gamma[j] + beta[j];
                Assert.That(y[r * cols + j], Is.EqualTo(e).Within(2e-5 * (1 + Math.Abs(e))), $"LayerNorm ({r},{j}) rows={rows} cols={cols} seed={seed}");
            }
        }
        LayerNorm.Apply(x, x, rows, cols, gamma, beta, 1e-5f);
        Assert.That(x, Is.EqualTo(y), "in place");
    }

    [Test]
    public void BadArgumentsThrow()
    {
        var ex = Assert.Throws<ArgumentException>(() => LayerNorm.Apply(new float[6], new float[6], 2, 3, new float[2], new float[3], 1e-5f));
        Assert.That(ex!.Message, Does.Contain("gamma"));
        Assert.Throws<ArgumentException>(() => LayerNorm.Apply(new float[5], new float[6], 2, 3, new float[3], new float[3], 1e-5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => LayerNorm.Apply(new float[6], new float[6], 2, 3, new float[3], new float[3], 0f));
    }
}

[Category("Kernels")]
public class SoftmaxAndRowOpsTests
{
    [Test]
    public void MaskedSoftmaxMatchesReferenceAndZeroesMaskedKeys()
    {
        var rng = new Random(11);
        int rows = 4, cols = 37;
        float[] s = Enumerable.Range(0, rows * cols).Select(_ => (float)(rng.NextDouble() * 20 - 10)).ToArray();
        s[5] = 1e4f; // large scores must not overflow
        bool[] keep = Enumerable.Range(0, cols).Select(j => j % 5 != 3).ToArray();
        var original = (float[])s.Clone();
        Softmax.MaskedRows(s, rows, cols, keep);
        for (int r = 0; r < rows; r++)
        {
            double max = double.NegativeInfinity, sum = 0;
            for (int j = 0; j < cols; j++) if (keep[j]) max = Math.Max(max, original[r * cols + j]);
            for (int j = 0; j < cols; j++) if (keep[j]) sum += Math.Exp(original[r * cols + j] - max);
            for (int j = 0; j < cols; j++)
            {
                double e = keep[j] ? Math.Exp(original[r * cols + j] - max) / sum : 0;
                if (!keep[j]) Assert.That(s[r * cols + j], Is.EqualTo(0f), $"masked ({r},{j})");
                else Assert.That(s[r * cols + j], Is.EqualTo(e).Within(1e-6 + 1e-5 * e), $"softmax ({r},{j}) seed=11");
            }
        }
    }

    [Test]
    public void FullyMaskedRowIsZeroAndUnmaskedRowSumsToOne()
    {
        float[] s = [1, 2, 3, 4, 5, 6];
        Softmax.MaskedRows(s, 2, 3, [false, false, false]);
        Assert.That(s, Is.All.EqualTo(0f));
        float[] t = [1, 2, 3, 4, 5, 6];
        Softmax.MaskedRows(t, 2, 3, []);
        Assert.That(t[0] + t[1] + t[2], Is.EqualTo(1f).Within(1e-6));
        Assert.Throws<ArgumentException>(() => Softmax.MaskedRows(t, 2, 3, [true]));
        Assert.Throws<ArgumentException>(() => Softmax.MaskedRows(t, 3, 3, []));
    }

    [Test]
    public void ReluTanhBiasAndResidual()
    {
        float[] x = [-2, -0.5f, 0, 0.5f, 3, -1];
        var y = new float[6];
        Activations.Relu(x, y);
        Assert.That(y, Is.EqualTo(new float[] { 0, 0, 0, 0.5f, 3, 0 }));
        Activations.Tanh(x, y);
        for (int i = 0; i < 6; i++) Assert.That(y[i], Is.EqualTo(Math.Tanh(x[i])).Within(1e-6), $"tanh({x[i]})");
        Assert.Throws<ArgumentException>(() => Activations.Tanh(x, new float[5]));

        float[] z = [1, 2, 3, 4, 5, 6];
        RowOps.AddBias(z, [10, 20, 30]);
        Assert.That(z, Is.EqualTo(new float[] { 11, 22, 33, 14, 25, 36 }));
        RowOps.AddResidual(z, [1, 1, 1, 1, 1, 1]);
        Assert.That(z, Is.EqualTo(new float[] { 12, 23, 34, 15, 26, 37 }));
        RowOps.AddBiasResidual(z, [1, 2], [0, 0, 0, 0, 0, 100]);
        Assert.That(z, Is.EqualTo(new float[] { 13, 25, 35, 17, 27, 139 }));
        var ex = Assert.Throws<ArgumentException>(() => RowOps.AddBias(z, [1, 2, 3, 4]));
        Assert.That(ex!.Message, Does.Contain("whole rows"));
    }
}
