using EdgeBert.Kernels;
using EdgeBert.Kernels.Float;

namespace EdgeBert.Core.Tests.Kernels.Float;

[Category("Kernels")]
public class SgemmTests
{
    private static readonly int[] s_depths = [1, 63, 64, 65, 511, 512, 513, 768, 3072];

    /// <summary>Float32 unit roundoff: the scale of the rigorous summation error bound.</summary>
    private const double Epsilon = 1.0 / (1 << 24);

    public static IEnumerable<TestCaseData> SimdCases()
    {
        int seed = 100;
        foreach (var isa in Enum.GetValues<KernelIsa>())
        {
            if (isa == KernelIsa.Scalar) continue;
            int variant = 0;
            foreach (int k in s_depths)
            {
                // Odd M and N; every transpose combination, alpha/beta and thread count cycle through.
                bool ta = (variant & 1) != 0, tb = (variant & 2) != 0;
                yield return Case(isa, ta, tb, 13, 37, k, 1.5f, variant % 3 == 0 ? 0f : 0.5f, 1 + 2 * (variant & 1), seed++);
                yield return Case(isa, !ta, tb, 1, 45, k, -0.5f, 1f, 3, seed++);
                yield return Case(isa, ta, !tb, 29, 1, k, 1f, 0f, 1, seed++);
                variant++;
            }
            // Several row blocks, column blocks and K slabs, and more than one N block (Nc = 2048).
            yield return Case(isa, false, true, 100, 300, 600, 1f, 0f, 3, seed++);
            yield return Case(isa, true, false, 7, 2100, 70, 2f, 1f, 3, seed++);
        }
    }

    private static TestCaseData Case(KernelIsa isa, bool ta, bool tb, int m, int n, int k, float alpha, float beta, int threads, int seed) =>
        new TestCaseData(isa, ta, tb, m, n, k, alpha, beta, threads, seed)
            .SetName($"Simd_{isa}_tA{(ta ? 1 : 0)}_tB{(tb ? 1 : 0)}_m{m}_n{n}_k{k}_a{alpha}_b{beta}_t{threads}_seed{seed}");

    [TestCaseSource(nameof(SimdCases))]
    public void SimdMatchesScalarReference(KernelIsa isa, bool transA, bool transB, int m, int n, int k,
        float alpha, float beta, int threads, int seed)
    {
        if (!KernelIsaSelector.IsSupported(isa)) Assert.Ignore($"{isa} is not supported here.");
        var p = Problem.Create(transA, transB, m, n, k, seed, padStride: 3);
        float[] expected = p.C.ToArray();
        Sgemm.Create(KernelIsa.Scalar).Gemm(transA, transB, m, n, k, alpha, p.A, p.Lda, p.B, p.Ldb, beta, expected, p.Ldc, 1);
        float[] actual = p.C.ToArray();
        Sgemm.Create(isa).Gemm(transA, transB, m, n, k, alpha, p.A, p.Lda, p.B, p.Ldb, beta, actual, p.Ldc, threads);
        p.AssertClose(actual, expected, alpha, beta, $"{isa} m={m} n={n} k={k} tA={transA} tB={transB} seed={seed}");
    }

    [Test]
    public void ScalarReferenceMatchesFloat64NaiveLoop([ValueSource(nameof(s_depths))] int k, [Values(false, true)] bool transA, [Values(false, true)] bool transB)
    {
        const int m = 5, n = 7;
        int seed = 7 * k + (transA ? 1 : 0) + (transB ? 2 : 0);
        var p = Problem.Create(transA, transB, m, n, k, seed, padStride: 2);
        float alpha = 0.75f, beta = -1.25f;
        float[] actual = p.C.ToArray();
        Sgemm.Create(KernelIsa.Scalar).Gemm(transA, transB, m, n, k, alpha, p.A, p.Lda, p.B, p.Ldb, beta, actual, p.Ldc, 1);
        double[] exact = p.Float64(alpha, beta);
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            double tol = (k + 2) * Epsilon * p.Magnitude(i, j, alpha, beta) + 1e-30;
            Assert.That(actual[i * p.Ldc + j], Is.EqualTo(exact[i * p.Ldc + j]).Within(tol),
                $"scalar vs float64 at ({i},{j}) m={m} n={n} k={k} seed={seed}");
        }
    }

    [Test]
    public void ThreadCountDoesNotChangeABit()
    {
        // Each C element is summed by one work item in the same order whatever the thread count.
        foreach (var isa in KernelIsaSelector.Supported)
        {
            var kernel = Sgemm.Create(isa);
            var p = Problem.Create(false, true, 150, 400, 600, seed: 3, padStride: 0);
            float[] one = p.C.ToArray(), three = p.C.ToArray();
            kernel.Gemm(false, true, p.M, p.N, p.K, 1f, p.A, p.Lda, p.B, p.Ldb, 0.5f, one, p.Ldc, 1);
            kernel.Gemm(false, true, p.M, p.N, p.K, 1f, p.A, p.Lda, p.B, p.Ldb, 0.5f, three, p.Ldc, 3);
            Assert.That(three, Is.EqualTo(one), $"{isa} Gemm m=150 n=400 k=600 seed=3");
            var packed = kernel.Pack(p.B, p.N, p.K);
            kernel.Linear(packed, p.A, p.M, [], one, 1);
            kernel.Linear(packed, p.A, p.M, [], three, 3);
            Assert.That(three, Is.EqualTo(one), $"{isa} Linear m=150 n=400 k=600 seed=3");
        }
    }

    [Test]
    public void BetaZeroOverwritesNaNAndLeavesStridePaddingAlone()
    {
        foreach (var isa in KernelIsaSelector.Supported)
        {
            var p = Problem.Create(false, false, 3, 4, 5, seed: 1, padStride: 2);
            float[] c = Enumerable.Repeat(float.NaN, p.C.Length).ToArray();
            Sgemm.Create(isa).Gemm(false, false, 3, 4, 5, 1f, p.A, p.Lda, p.B, p.Ldb, 0f, c, p.Ldc, 1);
            for (int i = 0; i < 3; i++)
            {
                for (int j = 0; j < 4; j++) Assert.That(float.IsFinite(c[i * p.Ldc + j]), $"{isa} ({i},{j})");
                for (int j = 4; j < p.Ldc && i * p.Ldc + j < c.Length; j++) Assert.That(c[i * p.Ldc + j], Is.NaN, $"{isa} padding ({i},{j})");
            }
        }
    }

    [Test]
    public void AlphaZeroOrEmptyKOnlyScalesC()
    {
        foreach (var isa in KernelIsaSelector.Supported)
        {
            float[] c = [1, 2, 3, 4];
            Sgemm.Create(isa).Gemm(false, false, 2, 2, 0, 1f, [], 1, [], 2, 2f, c, 2, 1);
            Assert.That(c, Is.EqualTo(new float[] { 2, 4, 6, 8 }), isa.ToString());
            Sgemm.Create(isa).Gemm(false, false, 2, 2, 1, 0f, [1, 1], 1, [1, 1], 2, 0.5f, c, 2, 1);
            Assert.That(c, Is.EqualTo(new float[] { 1, 2, 3, 4 }), isa.ToString());
        }
    }

    public static IEnumerable<TestCaseData> LinearCases()
    {
        int seed = 500;
        foreach (var isa in Enum.GetValues<KernelIsa>())
        {
            // (600, 45, 300): two row blocks of the packed-activation budget, each over two single-slab groups
            // (the last slab partial); (12, 64, 1): exact tiles, one K step.
            foreach (var (m, n, k) in new[] { (1, 1, 1), (13, 37, 65), (7, 3, 768), (33, 70, 513), (128, 96, 3072), (600, 45, 300), (12, 64, 1) })
            {
                yield return new TestCaseData(isa, m, n, k, seed % 2 == 0, 1 + 2 * (seed % 2), seed)
                    .SetName($"Linear_{isa}_m{m}_n{n}_k{k}_bias{seed % 2 == 0}_seed{seed}");
                seed++;
            }
        }
    }

    [TestCaseSource(nameof(LinearCases))]
    public void PackedLinearMatchesFloat64(KernelIsa isa, int m, int n, int k, bool withBias, int threads, int seed)
    {
        if (!KernelIsaSelector.IsSupported(isa)) Assert.Ignore($"{isa} is not supported here.");
        var rng = new Random(seed);
        float[] x = Values(rng, m * k), w = Values(rng, n * k), bias = withBias ? Values(rng, n) : [];
        var kernel = Sgemm.Create(isa);
        PackedSgemmWeights packed = kernel.Pack(w, n, k);
        float[] y = new float[m * n];
        kernel.Linear(packed, x, m, bias, y, threads);
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            double exact = withBias ? bias[j] : 0, magnitude = withBias ? Math.Abs(bias[j]) : 0;
            for (int p = 0; p < k; p++)
            {
                exact += (double)x[i * k + p] * w[j * k + p];
                magnitude += Math.Abs((double)x[i * k + p] * w[j * k + p]);
            }
            Assert.That(y[i * n + j], Is.EqualTo(exact).Within((k + 2) * Epsilon * magnitude + 1e-30),
                $"{isa} linear ({i},{j}) m={m} n={n} k={k} seed={seed}");
        }
    }

    [Test]
    public void BadArgumentsThrowClearExceptions()
    {
        var s = Sgemm.Create(KernelIsaSelector.Best);
        var ex = Assert.Throws<ArgumentException>(() => s.Gemm(false, false, 2, 2, 3, 1f, new float[5], 3, new float[6], 2, 0f, new float[4], 2, 1));
        Assert.That(ex!.Message, Does.Contain("a has 5 values").And.Contain("[2, 3]"));
        Assert.Throws<ArgumentOutOfRangeException>(() => s.Gemm(false, true, 2, 2, 3, 1f, new float[6], 2, new float[6], 3, 0f, new float[4], 2, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => s.Gemm(false, false, -1, 2, 3, 1f, new float[6], 3, new float[6], 2, 0f, new float[4], 2, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => s.Gemm(false, false, 2, 2, 3, 1f, new float[6], 3, new float[6], 2, 0f, new float[4], 2, 0));
        Assert.Throws<ArgumentException>(() => s.Gemm(false, false, 2, 2, 3, 1f, new float[6], 3, new float[6], 2, 0f, new float[3], 2, 1));

        var packEx = Assert.Throws<ArgumentException>(() => s.Pack(new float[5], 2, 3));
        Assert.That(packEx!.Message, Does.Contain("[2, 3]"));
        var packed = s.Pack(new float[6], 2, 3);
        Assert.Throws<ArgumentException>(() => s.Linear(packed, new float[5], 2, [], new float[4], 1));
        Assert.Throws<ArgumentException>(() => s.Linear(packed, new float[6], 2, new float[3], new float[4], 1));
        Assert.Throws<ArgumentException>(() => s.Linear(packed, new float[6], 2, [], new float[3], 1));
        if (KernelIsaSelector.Best != KernelIsa.Scalar)
        {
            var other = Sgemm.Create(KernelIsa.Scalar);
            var isaEx = Assert.Throws<ArgumentException>(() => other.Linear(packed, new float[6], 2, [], new float[4], 1));
            Assert.That(isaEx!.Message, Does.Contain("packed for"));
        }
    }

    [Test]
    public void UnsupportedIsaIsPlatformNotSupported()
    {
        foreach (var isa in Enum.GetValues<KernelIsa>().Where(i => !KernelIsaSelector.IsSupported(i)))
        {
            Assert.Throws<PlatformNotSupportedException>(() => Sgemm.Create(isa), isa.ToString());
        }
        Assert.That(Sgemm.Active.Isa, Is.EqualTo(KernelIsaSelector.Active));
    }

    internal static float[] Values(Random rng, int count)
    {
        var v = new float[count];
        for (int i = 0; i < count; i++) v[i] = (float)(rng.NextDouble() * 2 - 1);
        return v;
    }

    /// <summary>A random GEMM problem with stored shapes, padded row strides and a random C.</summary>
    private sealed record Problem(bool TransA, bool TransB, int M, int N, int K, float[] A, int Lda, float[] B, int Ldb, float[] C, int Ldc)
    {
        public static Problem Create(bool ta, bool tb, int m, int n, int k, int seed, int padStride)
        {
            var rng = new Random(seed);
            int aRows = ta ? k : m, aCols = ta ? m : k, bRows = tb ? n : k, bCols = tb ? k : n;
            int lda = aCols + padStride, ldb = bCols + padStride, ldc = n + padStride;
            return new Problem(ta, tb, m, n, k,
                Values(rng, (aRows - 1) * lda + aCols), lda, Values(rng, (bRows - 1) * ldb + bCols), ldb,
                Values(rng, (m - 1) * ldc + n), ldc);
        }

        private double OpA(int i, int p) => TransA ? A[p * Lda + i] : A[i * Lda + p];

        private double OpB(int p, int j) => TransB ? B[j * Ldb + p] : B[p * Ldb + j];

        public double[] Float64(float alpha, float beta)
        {
            var r = C.Select(v => (double)v).ToArray();
            for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++)
            {
                double s = 0;
                for (int p = 0; p < K; p++) s += OpA(i, p) * OpB(p, j);
                r[i * Ldc + j] = alpha * s + beta * (double)C[i * Ldc + j];
            }
            return r;
        }

        /// <summary>|alpha|·Σ|a·b| + |beta·c|: what the rounding error of the sum scales with.</summary>
        public double Magnitude(int i, int j, float alpha, float beta)
        {
            double s = 0;
            for (int p = 0; p < K; p++) s += Math.Abs(OpA(i, p) * OpB(p, j));
            return Math.Abs(alpha) * s + Math.Abs(beta * (double)C[i * Ldc + j]);
        }

        /// <summary>Two float results of different summation orders agree within twice the rigorous bound.</summary>
        public void AssertClose(float[] actual, float[] expected, float alpha, float beta, string what)
        {
            for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++)
            {
                double tol = 2 * (K + 2) * Epsilon * Magnitude(i, j, alpha, beta) + 1e-30;
                Assert.That(actual[i * Ldc + j], Is.EqualTo(expected[i * Ldc + j]).Within(tol), $"{what} at ({i},{j})");
            }
            for (int idx = 0; idx < C.Length; idx++)
            {
                if (idx % Ldc >= N) Assert.That(actual[idx], Is.EqualTo(C[idx]), $"{what}: stride padding at {idx} was written");
            }
        }
    }
}
