using EdgeBert.Trainer.Autograd;

namespace EdgeBert.Trainer.Tests.Autograd;

/// <summary>The trainer's Gemm entry point against a naive float64 triple loop.</summary>
[TestFixture]
public sealed class MatMulTests
{
    private static IEnumerable<TestCaseData> Cases()
    {
        // The last two shapes span several cache blocks of B (k = 1024 when B is transposed, n = 4096 otherwise).
        int[][] shapes = [[1, 1, 1], [3, 5, 7], [17, 9, 33], [64, 48, 40], [5, 130, 3], [2, 3, 0], [3, 130, 1024], [5, 4096, 40]];
        foreach (int[] s in shapes)
        {
            foreach (bool ta in new[] { false, true })
            {
                foreach (bool tb in new[] { false, true })
                {
                    foreach (float beta in new[] { 0f, 1f, 0.5f })
                    {
                        foreach (int threads in new[] { 1, 4 })
                        {
                            yield return new TestCaseData(s[0], s[1], s[2], ta, tb, beta, threads)
                                .SetName($"Gemm m={s[0]} n={s[1]} k={s[2]} transA={ta} transB={tb} beta={beta} threads={threads}");
                        }
                    }
                }
            }
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void MatchesFloat64Reference(int m, int n, int k, bool transA, bool transB, float beta, int threads)
    {
        int seed = 1000 * m + 100 * n + k;
        var rng = new Random(seed);
        // Leading dimensions larger than the logical width check that strides are honoured.
        int aRows = transA ? k : m, aCols = transA ? m : k, lda = aCols + 3;
        int bRows = transB ? n : k, bCols = transB ? k : n, ldb = bCols + 2;
        int ldc = n + 1;
        float[] a = Random(rng, Math.Max(aRows * lda, 1));
        float[] b = Random(rng, Math.Max(bRows * ldb, 1));
        float[] c = Random(rng, m * ldc);
        if (beta == 0f) Array.Fill(c, float.NaN); // BLAS semantics: C is not read when beta = 0.
        const float alpha = 0.75f;

        var expected = new double[m * ldc];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < ldc; j++)
            {
                if (j >= n)
                {
                    expected[i * ldc + j] = c[i * ldc + j];
                    continue;
                }

                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    double av = transA ? a[p * lda + i] : a[i * lda + p];
                    double bv = transB ? b[j * ldb + p] : b[p * ldb + j];
                    sum += av * bv;
                }

                expected[i * ldc + j] = alpha * sum + (beta == 0f ? 0 : beta * (double)c[i * ldc + j]);
            }
        }

        MatMul.Gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads);

        for (int i = 0; i < c.Length; i++)
        {
            bool padding = i % ldc >= n;
            double tolerance = padding ? 0 : 1e-5 * (1 + Math.Sqrt(k));
            if (padding && double.IsNaN(expected[i])) continue;
            Assert.That(c[i], Is.EqualTo(expected[i]).Within(tolerance),
                $"Gemm m={m} n={n} k={k} transA={transA} transB={transB} beta={beta} threads={threads} seed={seed}: element {i}");
        }
    }

    [Test]
    public void ThreadCountDoesNotChangeBits()
    {
        var rng = new Random(7);
        float[] a = Random(rng, 96 * 80), b = Random(rng, 80 * 72);
        var c1 = new float[96 * 72];
        var c4 = new float[96 * 72];
        MatMul.Gemm(false, false, 96, 72, 80, 1f, a, 80, b, 72, 0f, c1, 72, 1);
        MatMul.Gemm(false, false, 96, 72, 80, 1f, a, 80, b, 72, 0f, c4, 72, 4);
        Assert.That(c4, Is.EqualTo(c1), "Gemm 96x72x80 seed 7: threads 1 vs 4");
    }

    [Test]
    public void RejectsInconsistentSizes()
    {
        var buffer = new float[12];
        var ex = Assert.Throws<ArgumentException>(() =>
            MatMul.Gemm(false, false, 3, 4, 5, 1f, buffer, 5, buffer, 4, 0f, new float[12], 4, 1));
        Assert.That(ex!.Message, Does.Contain("A is [3, 5]"));
        ex = Assert.Throws<ArgumentException>(() =>
            MatMul.Gemm(false, false, 2, 2, 2, 1f, buffer, 1, buffer, 2, 0f, buffer, 2, 1));
        Assert.That(ex!.Message, Does.Contain("leading dimension of A"));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            MatMul.Gemm(false, false, 2, 2, 2, 1f, buffer, 2, buffer, 2, 0f, buffer, 2, 0));
    }

    private static float[] Random(Random rng, int length)
    {
        var v = new float[length];
        for (int i = 0; i < length; i++) v[i] = (float)(rng.NextDouble() * 2 - 1);
        return v;
    }
}
