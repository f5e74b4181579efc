using EdgeBert.Kernels.Integer;

namespace EdgeBert.Core.Tests.Kernels.Integer;

[Category("Kernels")]
public class AsymmetricActivationGemmTests
{
    [TestCaseSource(typeof(IntegerKernelVariants), nameof(IntegerKernelVariants.Names))]
    public void ZeroPointsAreRemovedExactly(string variant)
    {
        var int8 = IntegerKernelVariants.Int8(variant);
        var ternary = IntegerKernelVariants.Ternary(variant);
        var rng = new Random(31);
        int m = 9, n = 21, k = 300;
        float[] xf = Enumerable.Range(0, m * k).Select(i => (float)(rng.NextDouble() * 3 + (i % 2 == 0 ? 0 : -0.5))).ToArray();
        var q = new sbyte[m * k];
        var xs = new float[m];
        var zp = new int[m];
        Int8Quantization.QuantizeAsymmetric(xf, m, k, k, q, k, xs, zp);
        Assert.That(zp.Any(z => z != 0), Is.True, "the data must produce non-zero zero points");

        sbyte[] w8 = IntegerKernelVariants.RandomInt8(rng, n * k);
        sbyte[] wt = Enumerable.Range(0, n * k).Select(_ => (sbyte)rng.Next(-1, 2)).ToArray();
        float[] ws = IntegerKernelVariants.RandomScales(rng, n), bias = IntegerKernelVariants.RandomScales(rng, n);
        var p8 = PackedInt8Weights.Pack(Int8GemmTests.Canonical(w8, n, k), n, k, ws);
        var pt = PackedTernaryCodes.PackValues(wt, n, k, ws);
        foreach (var (name, w, run) in new (string, sbyte[], Action<float[]>)[]
        {
            ("W8A8", w8, y => int8.Multiply(p8, q, m, k, xs, zp, bias, y, n, 3)),
            ("W2A8", wt, y => ternary.Multiply(pt, q, m, k, xs, zp, bias, y, n, 3)),
        })
        {
            var y = new float[m * n];
            run(y);
            for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                long exact = 0;
                for (int p = 0; p < k; p++) exact += (long)w[j * k + p] * (q[i * k + p] - zp[i]);
                float e = (float)exact * (ws[j] * xs[i]) + bias[j];
                Assert.That(y[i * n + j], Is.EqualTo(e), $"{name} {variant} ({i},{j}) m={m} n={n} k={k} seed=31");
            }
        }
    }

    [Test]
    public void ClipSaturatesSymmetrically()
    {
        float[] x = [-5f, -1f, 0.5f, 1f, 4f];
        var q = new sbyte[5];
        var s = new float[1];
        Int8Quantization.QuantizeSymmetric(x, 1, 5, 5, q, 5, s, clip: 2.5f);
        Assert.That(s[0], Is.EqualTo(2.5f / 127f));
        Assert.That(q, Is.EqualTo(new sbyte[] { -127, (sbyte)MathF.Round(-127f / 2.5f), (sbyte)MathF.Round(0.5f * 127f / 2.5f), (sbyte)MathF.Round(127f / 2.5f), 127 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Int8Quantization.QuantizeSymmetric(x, 1, 5, 5, q, 5, s, clip: 0f));
    }
}
