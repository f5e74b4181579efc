using EdgeBert.Kernels.Elementwise;

namespace EdgeBert.Core.Tests.Kernels.Elementwise;

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
