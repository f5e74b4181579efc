using EdgeBert.Kernels.Elementwise;

namespace EdgeBert.Core.Tests.Kernels.Elementwise;

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
