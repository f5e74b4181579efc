using CommunityToolkit.HighPerformance;
using EdgeBert.Core.Tests.Kernels.Packing;
using EdgeBert.Kernels;
using EdgeBert.Kernels.Binary;
using EdgeBert.Kernels.Packing;
using static EdgeBert.Core.Tests.Kernels.Binary.GemmTestData;

namespace EdgeBert.Core.Tests.Kernels.Binary;

[Category("Kernels")]
public class TernaryBinaryGemmTests
{
    private sealed record Problem(int M, int N, int K, int Seed, float[] A, sbyte[] W, ulong[] Packed,
        PackedTernaryWeights Weights, float[] TokenScale, float[] Bias, SignThresholds Thresholds, float[] Beta);

    private static int NaiveDot(float[] a, int m, sbyte[] w, int n, int k)
    {
        float dot = 0f;
        for (int i = 0; i < k; i++) dot += PackingTestData.Sign(a[m * k + i]) * (float)w[n * k + i];
        return (int)dot;
    }

    private static Problem Make(int m, int n, int k)
    {
        int seed = SeedOf(m, n, k) + 7;
        var rng = new Random(seed);
        float[] a = PackingTestData.Floats(rng, m * k);
        sbyte[] w = PackingTestData.Ternary(rng, n * k);
        float[] alpha = Alpha(rng, n);
        var canonical = new ulong[TernaryPacking.MatrixWords(n, k)];
        TernaryPacking.Pack(new ReadOnlySpan2D<sbyte>(w, n, k), canonical);
        var weights = PackedTernaryWeights.FromCanonical(canonical, n, k, alpha);
        float[] beta = BoundaryBeta(rng, alpha, j => NaiveDot(a, 0, w, j, k));
        return new Problem(m, n, k, seed, a, w, PackSigns(a, m, k), weights, Positive(rng, m), Bias(rng, n),
            SignThresholds.Create(alpha, beta, n, k), beta);
    }

    private static float[] RunFloat(TernaryBinaryGemm gemm, Problem p, int threads)
    {
        var y = new float[p.M * p.N];
        gemm.Multiply(p.Packed, p.M, p.Weights, p.TokenScale, p.Bias, new Span2D<float>(y, p.M, p.N), threads);
        return y;
    }

    private static ulong[] RunSigns(TernaryBinaryGemm gemm, Problem p, int threads)
    {
        var bits = SignPackingTests.Fill(BinaryLayout.MatrixWords(p.M, p.N));
        gemm.MultiplySigns(p.Packed, p.M, p.Weights, p.Thresholds, bits, threads);
        return bits;
    }

    [TestCaseSource(typeof(PackingTestData), nameof(PackingTestData.EdgeK))]
    public void ScalarMatchesNaiveTernaryDotProduct(int k)
    {
        var p = Make(5, 13, k);
        var gemm = TernaryBinaryGemm.Create(KernelIsa.Scalar);
        float[] y = RunFloat(gemm, p, 1);
        var expected = new float[y.Length];
        for (int m = 0; m < p.M; m++)
        {
            for (int n = 0; n < p.N; n++)
            {
                expected[m * p.N + n] = p.Weights.Alpha[n] * p.TokenScale[m] * NaiveDot(p.A, m, p.W, n, k) + p.Bias[n];
            }
        }
        AssertSameFloats(expected, y, p.M, p.N, $"scalar W2A1 K={k} seed={p.Seed}");
        AssertSignBits(RunSigns(gemm, p, 1), p.M, p.N,
            (m, n) => p.Weights.Alpha[n] * NaiveDot(p.A, m, p.W, n, k) + p.Beta[n] < 0f,
            $"scalar W2A1 signs K={k} seed={p.Seed}");
    }

    [TestCaseSource(typeof(GemmTestData), nameof(SimdIsaByEdgeK))]
    public void EverySimdPathMatchesScalarExactly(KernelIsa isa, int k)
    {
        RequireSupported(isa);
        var scalar = TernaryBinaryGemm.Create(KernelIsa.Scalar);
        var gemm = TernaryBinaryGemm.Create(isa);
        foreach (var (m, n) in Shapes)
        {
            var p = Make(m, n, k);
            float[] expected = RunFloat(scalar, p, 1);
            ulong[] expectedBits = RunSigns(scalar, p, 1);
            foreach (int threads in ThreadCounts)
            {
                string what = $"W2A1 {isa} M={m} N={n} K={k} threads={threads} seed={p.Seed}";
                AssertSameFloats(expected, RunFloat(gemm, p, threads), m, n, what);
                AssertSameWords(expectedBits, RunSigns(gemm, p, threads), what + " signs");
            }
        }
    }

    [Test]
    public void ActiveAndCreateFollowTheSelector()
    {
        Assert.That(TernaryBinaryGemm.Active.Isa, Is.EqualTo(KernelIsaSelector.Active));
        foreach (var isa in Enum.GetValues<KernelIsa>())
        {
            if (KernelIsaSelector.IsSupported(isa)) Assert.That(TernaryBinaryGemm.Create(isa).Isa, Is.EqualTo(isa));
            else Assert.Throws<PlatformNotSupportedException>(() => TernaryBinaryGemm.Create(isa));
        }
    }

    [Test]
    public void BadArgumentsAreClearErrors()
    {
        var p = Make(3, 5, 70);
        var gemm = TernaryBinaryGemm.Active;
        var y = new float[15];
        Assert.Throws<ArgumentException>(() => gemm.Multiply(p.Packed.AsSpan(0, 5), 3, p.Weights, default, default, new Span2D<float>(y, 3, 5), 1));
        Assert.Throws<ArgumentException>(() => gemm.Multiply(p.Packed, 3, p.Weights, new float[4], default, new Span2D<float>(y, 3, 5), 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => gemm.Multiply(p.Packed, -1, p.Weights, default, default, new Span2D<float>(y, 3, 5), 1));
        var other = SignThresholds.Create([1f], [0f], 6, 70);
        var th = Assert.Throws<ArgumentException>(() => gemm.MultiplySigns(p.Packed, 3, p.Weights, other, new ulong[24], 1));
        Assert.That(th!.Message, Does.Contain("N = 6"));
    }
}
