using EdgeBert.Kernels;
using EdgeBert.Kernels.Float;

namespace EdgeBert.Core.Tests.Kernels.Float;

[Category("Kernels")]
public class Span2DOverloadTests
{
    [Test]
    public void PitchedViewsMatchContiguousCalls()
    {
        var rng = new Random(9);
        int m = 5, n = 19, k = 70, pitch = 3;
        float[] w = SgemmTests.Values(rng, n * k), x = SgemmTests.Values(rng, m * k), bias = SgemmTests.Values(rng, n);
        var kernel = Sgemm.Active;
        var packed = kernel.Pack(w, n, k);
        var expected = new float[m * n];
        kernel.Linear(packed, x, m, bias, expected, 1);

        var xPitched = new float[m * (k + pitch)];
        for (int i = 0; i < m; i++) Array.Copy(x, i * k, xPitched, i * (k + pitch), k);
        var yPitched = Enumerable.Repeat(-7f, m * (n + pitch)).ToArray();
        kernel.Linear(packed, new CommunityToolkit.HighPerformance.ReadOnlySpan2D<float>(xPitched, 0, m, k, pitch), bias,
            new CommunityToolkit.HighPerformance.Span2D<float>(yPitched, 0, m, n, pitch), 3);
        for (int i = 0; i < m; i++)
        {
            Assert.That(yPitched.AsSpan(i * (n + pitch), n).ToArray(), Is.EqualTo(expected.AsSpan(i * n, n).ToArray()), $"row {i}");
            Assert.That(yPitched.AsSpan(i * (n + pitch) + n, pitch).ToArray(), Is.All.EqualTo(-7f), $"pitch of row {i} untouched");
        }
        Assert.Throws<ArgumentException>(() => kernel.Linear(packed, new CommunityToolkit.HighPerformance.ReadOnlySpan2D<float>(x, m, k), bias,
            new CommunityToolkit.HighPerformance.Span2D<float>(new float[m * (n - 1)], m, n - 1), 1));

        var q = new sbyte[m * (k + pitch)];
        for (int i = 0; i < q.Length; i++) q[i] = (sbyte)rng.Next(-128, 128);
        int stride = (k + 63) / 64 * 64;
        var wq = new sbyte[n * stride];
        for (int r = 0; r < n; r++) for (int p = 0; p < k; p++) wq[r * stride + p] = (sbyte)rng.Next(-128, 128);
        var pi8 = EdgeBert.Kernels.Integer.PackedInt8Weights.Pack(wq, n, k, [0.1f]);
        float[] xs = [1f, 2f, 3f, 4f, 5f];
        var yFlat = new float[m * n];
        EdgeBert.Kernels.Integer.Int8Gemm.Active.Multiply(pi8, q, m, k + pitch, xs, bias, yFlat, n, 1);
        var y2 = new float[m * (n + pitch)];
        EdgeBert.Kernels.Integer.Int8Gemm.Active.Multiply(pi8, new CommunityToolkit.HighPerformance.ReadOnlySpan2D<sbyte>(q, 0, m, k, pitch), xs, bias,
            new CommunityToolkit.HighPerformance.Span2D<float>(y2, 0, m, n, pitch), 1);
        for (int i = 0; i < m; i++)
            Assert.That(y2.AsSpan(i * (n + pitch), n).ToArray(), Is.EqualTo(yFlat.AsSpan(i * n, n).ToArray()), $"int8 row {i}");
    }
}
