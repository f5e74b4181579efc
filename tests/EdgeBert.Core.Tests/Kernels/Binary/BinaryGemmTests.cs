using CommunityToolkit.HighPerformance;
using EdgeBert.Core.Tests.Kernels.Packing;
using EdgeBert.Kernels;
using EdgeBert.Kernels.Binary;
using EdgeBert.Kernels.Packing;
using static EdgeBert.Core.Tests.Kernels.Binary.GemmTestData;

namespace EdgeBert.Core.Tests.Kernels.Binary;

[Category("Kernels")]
public class BinaryGemmTests
{
    private sealed record Problem(int M, int N, int K, int Seed, float[] A, float[] W, ulong[] Packed,
        PackedBinaryWeights Weights, float[] TokenScale, float[] Bias, SignThresholds Thresholds, float[] Beta);

    private static Problem Make(int m, int n, int k) => Make(m, n, k, null);

    /// <summary>A random problem; with <paramref name="shared"/>, on that problem's activations (another product of one input).</summary>
    private static Problem Make(int m, int n, int k, Problem? shared)
    {
        int seed = SeedOf(m, n, k);
        var rng = new Random(seed);
        float[] a = shared?.A ?? PackingTestData.Floats(rng, m * k);
        float[] w = PackingTestData.Floats(rng, n * k);
        float[] alpha = Alpha(rng, n);
        var weights = PackedBinaryWeights.FromFloat(new ReadOnlySpan2D<float>(w, n, k), alpha);
        float[] beta = BoundaryBeta(rng, alpha, j => SignDot(a, 0, w, j, k));
        return new Problem(m, n, k, seed, a, w, PackSigns(a, m, k), weights, Positive(rng, m), Bias(rng, n),
            SignThresholds.Create(alpha, beta, n, k), beta);
    }

    private static float[] RunFloat(BinaryGemm gemm, Problem p, int threads, bool scaled = true)
    {
        var y = new float[p.M * p.N];
        gemm.Multiply(p.Packed, p.M, p.Weights, scaled ? p.TokenScale : default, scaled ? p.Bias : default,
            new Span2D<float>(y, p.M, p.N), threads);
        return y;
    }

    private static ulong[] RunSigns(BinaryGemm gemm, Problem p, int threads)
    {
        var bits = SignPackingTests.Fill(BinaryLayout.MatrixWords(p.M, p.N));
        gemm.MultiplySigns(p.Packed, p.M, p.Weights, p.Thresholds, bits, threads);
        return bits;
    }

    [TestCaseSource(typeof(PackingTestData), nameof(PackingTestData.EdgeK))]
    public void ScalarMatchesNaivePlusMinusOneDotProduct(int k)
    {
        var p = Make(5, 13, k);
        var gemm = BinaryGemm.Create(KernelIsa.Scalar);
        float[] y = RunFloat(gemm, p, 1);
        float[] plain = RunFloat(gemm, p, 1, scaled: false);
        var expected = new float[y.Length];
        var expectedPlain = new float[y.Length];
        for (int m = 0; m < p.M; m++)
        {
            for (int n = 0; n < p.N; n++)
            {
                int dot = SignDot(p.A, m, p.W, n, k);
                expected[m * p.N + n] = p.Weights.Alpha[n] * p.TokenScale[m] * dot + p.Bias[n];
                expectedPlain[m * p.N + n] = p.Weights.Alpha[n] * dot;
            }
        }
        AssertSameFloats(expected, y, p.M, p.N, $"scalar W1A1 K={k} seed={p.Seed}");
        AssertSameFloats(expectedPlain, plain, p.M, p.N, $"scalar W1A1 unscaled K={k} seed={p.Seed}");
    }

    [TestCaseSource(typeof(PackingTestData), nameof(PackingTestData.EdgeK))]
    public void ScalarSignsMatchTheFloatFormula(int k)
    {
        var p = Make(5, 13, k);
        ulong[] bits = RunSigns(BinaryGemm.Create(KernelIsa.Scalar), p, 1);
        AssertSignBits(bits, p.M, p.N,
            (m, n) => p.Weights.Alpha[n] * SignDot(p.A, m, p.W, n, k) + p.Beta[n] < 0f,
            $"scalar W1A1 signs K={k} seed={p.Seed}");
    }

    [TestCaseSource(typeof(GemmTestData), nameof(SimdIsaByEdgeK))]
    public void EverySimdPathMatchesScalarExactly(KernelIsa isa, int k)
    {
        RequireSupported(isa);
        var scalar = BinaryGemm.Create(KernelIsa.Scalar);
        foreach (var (m, n) in Shapes)
        {
            var p = Make(m, n, k);
            float[] expected = RunFloat(scalar, p, 1);
            ulong[] expectedBits = RunSigns(scalar, p, 1);
            foreach (var method in Enum.GetValues<PopCountMethod>())
            {
                var gemm = BinaryGemm.Create(isa, method);
                foreach (int threads in ThreadCounts)
                {
                    string what = $"W1A1 {isa} {method} ({gemm.PopCountFor(k)}) M={m} N={n} K={k} threads={threads} seed={p.Seed}";
                    AssertSameFloats(expected, RunFloat(gemm, p, threads), m, n, what);
                    AssertSameWords(expectedBits, RunSigns(gemm, p, threads), what + " signs");
                }
            }
        }
    }

    /// <summary>
    /// Deep K for Harley–Seal (32 blocks of 8 words, one eights-count flush, a leftover word) and
    /// the sextet tile (343 words: 8 byte-count flushes of 42), and K around a sextet word (48 bits).
    /// </summary>
    [TestCase(47)]
    [TestCase(49)]
    [TestCase(2017)]
    [TestCase(16448)]
    public void HarleySealAndSextetOnEdgeAndDeepKMatchScalar(int k)
    {
        var p = Make(5, 30, k);
        var scalar = BinaryGemm.Create(KernelIsa.Scalar);
        foreach (var isa in SimdIsas)
        {
            foreach (var method in new[] { PopCountMethod.HarleySeal, PopCountMethod.Sextet })
            {
                var gemm = BinaryGemm.Create(isa, method);
                string what = $"W1A1 {isa} {gemm.PopCountFor(k)} M={p.M} N={p.N} K={k} seed={p.Seed}";
                AssertSameFloats(RunFloat(scalar, p, 1), RunFloat(gemm, p, 2), p.M, p.N, what);
                AssertSameWords(RunSigns(scalar, p, 1), RunSigns(gemm, p, 1), what + " signs");
            }
        }
    }

    /// <summary>
    /// Q, K and V of Bi-Attention: three products of one input in one call (the sextet table
    /// stages the input once and runs them as one step) write exactly the bits of three single
    /// calls on the scalar reference, for outputs of different widths, partial token blocks,
    /// every popcount method and thread count.
    /// </summary>
    [TestCaseSource(typeof(GemmTestData), nameof(SimdIsaByEdgeK))]
    public void ThreeSignProductsOfOneInputMatchScalarSingleCalls(KernelIsa isa, int k)
    {
        RequireSupported(isa);
        var scalar = BinaryGemm.Create(KernelIsa.Scalar);
        foreach (var (m, n0, n1, n2) in new[] { (1, 1, 64, 13), (9, 64, 64, 64), (17, 130, 5, 200) })
        {
            var first = Make(m, n0, k);
            var second = Make(m, n1, k, first);
            var third = Make(m, n2, k, first);
            Problem[] products = [first, second, third];
            ulong[][] expected = [.. products.Select(p => RunSigns(scalar, p, 1))];
            foreach (var method in Enum.GetValues<PopCountMethod>())
            {
                var gemm = BinaryGemm.Create(isa, method);
                foreach (int threads in ThreadCounts)
                {
                    ulong[][] bits = [.. products.Select(p => SignPackingTests.Fill(BinaryLayout.MatrixWords(m, p.N)))];
                    gemm.MultiplySigns(first.Packed, m,
                        new SignProduct(first.Weights, first.Thresholds, bits[0]),
                        new SignProduct(second.Weights, second.Thresholds, bits[1]),
                        new SignProduct(third.Weights, third.Thresholds, bits[2]), threads);
                    for (int i = 0; i < 3; i++)
                    {
                        AssertSameWords(expected[i], bits[i],
                            $"W1A1 {isa} {method} ({gemm.PopCountFor(k)}) product {i} of 3, M={m} N={products[i].N} K={k} threads={threads} seed={products[i].Seed}");
                    }
                }
            }
        }
    }

    [Test]
    public void ThreeSignProductsNeedOneK()
    {
        var p = Make(3, 5, 70);
        var q = Make(3, 5, 71);
        var gemm = BinaryGemm.Active;
        var ex = Assert.Throws<ArgumentException>(() => gemm.MultiplySigns(p.Packed, 3,
            new SignProduct(p.Weights, p.Thresholds, new ulong[3]), new SignProduct(q.Weights, q.Thresholds, new ulong[3]),
            new SignProduct(p.Weights, p.Thresholds, new ulong[3]), 1));
        Assert.That(ex!.Message, Does.Contain("one K"));
        // A bad call leaves the outputs as they were, even those of the valid products.
        ulong[] untouched = [7, 7, 7];
        Assert.Throws<ArgumentException>(() => gemm.MultiplySigns(p.Packed, 3,
            new SignProduct(p.Weights, p.Thresholds, untouched), new SignProduct(p.Weights, p.Thresholds, new ulong[3]),
            new SignProduct(q.Weights, q.Thresholds, new ulong[3]), 1));
        Assert.That(untouched, Is.EqualTo(new ulong[] { 7, 7, 7 }));
        Assert.Throws<ArgumentException>(() => gemm.MultiplySigns(p.Packed, 3,
            new SignProduct(p.Weights, p.Thresholds, new ulong[3]), new SignProduct(p.Weights, p.Thresholds, new ulong[2]),
            new SignProduct(p.Weights, p.Thresholds, new ulong[3]), 1));
        Assert.Throws<ArgumentNullException>(() => gemm.MultiplySigns(p.Packed, 3,
            new SignProduct(null!, p.Thresholds, new ulong[3]), new SignProduct(p.Weights, p.Thresholds, new ulong[3]),
            new SignProduct(p.Weights, p.Thresholds, new ulong[3]), 1));
    }

    [Test]
    public void WritesIntoAStridedOutputView()
    {
        var p = Make(7, 19, 200);
        const int pitch = 5;
        var buffer = new float[p.M * (p.N + pitch)];
        Array.Fill(buffer, float.NaN);
        foreach (var isa in KernelIsaSelector.Supported)
        {
            Array.Fill(buffer, float.NaN);
            var view = new Span2D<float>(buffer, 0, p.M, p.N, pitch);
            BinaryGemm.Create(isa).Multiply(p.Packed, p.M, p.Weights, p.TokenScale, p.Bias, view, 2);
            float[] expected = RunFloat(BinaryGemm.Create(KernelIsa.Scalar), p, 1);
            for (int m = 0; m < p.M; m++)
            {
                for (int j = 0; j < p.N + pitch; j++)
                {
                    float v = buffer[m * (p.N + pitch) + j];
                    if (j < p.N) Assert.That(v, Is.EqualTo(expected[m * p.N + j]), $"{isa} [{m}, {j}] seed={p.Seed}");
                    else Assert.That(v, Is.NaN, $"{isa} wrote into the pitch at [{m}, {j}]");
                }
            }
        }
    }

    [Test]
    public void ActiveAndCreateFollowTheSelector()
    {
        Assert.That(BinaryGemm.Active.Isa, Is.EqualTo(KernelIsaSelector.Active));
        foreach (var isa in Enum.GetValues<KernelIsa>())
        {
            if (KernelIsaSelector.IsSupported(isa)) Assert.That(BinaryGemm.Create(isa).Isa, Is.EqualTo(isa));
            else Assert.Throws<PlatformNotSupportedException>(() => BinaryGemm.Create(isa));
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => BinaryGemm.Create((KernelIsa)99));
    }

    [Test]
    public void BadArgumentsAreClearErrors()
    {
        var p = Make(3, 5, 70);
        var gemm = BinaryGemm.Active;
        var y = new float[15];
        var view = new Span2D<float>(y, 3, 5);
        var ex = Assert.Throws<ArgumentException>(() => gemm.Multiply(p.Packed.AsSpan(0, 5), 3, p.Weights, default, default, new Span2D<float>(y, 3, 5), 1));
        Assert.That(ex!.Message, Does.Contain("[3, 70]"));
        Assert.Throws<ArgumentException>(() => gemm.Multiply(p.Packed, 3, p.Weights, new float[2], default, new Span2D<float>(y, 3, 5), 1));
        Assert.Throws<ArgumentException>(() => gemm.Multiply(p.Packed, 3, p.Weights, default, new float[4], new Span2D<float>(y, 3, 5), 1));
        Assert.Throws<ArgumentException>(() => gemm.Multiply(p.Packed, 3, p.Weights, default, default, new Span2D<float>(y, 5, 3), 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => gemm.Multiply(p.Packed, 3, p.Weights, default, default, new Span2D<float>(y, 3, 5), 0));
        Assert.Throws<ArgumentNullException>(() => gemm.Multiply(p.Packed, 3, null!, default, default, new Span2D<float>(y, 3, 5), 1));

        ulong[] dirty = (ulong[])p.Packed.Clone();
        dirty[BinaryLayout.RowStrideWords(70) + 1] |= 1UL << 63; // row 1, bit 127 > K
        var pad = Assert.Throws<ArgumentException>(() => gemm.Multiply(dirty, 3, p.Weights, default, default, new Span2D<float>(y, 3, 5), 1));
        Assert.That(pad!.Message, Does.Contain("row 1"));

        var other = SignThresholds.Create([1f], [0f], 5, 71);
        var th = Assert.Throws<ArgumentException>(() => gemm.MultiplySigns(p.Packed, 3, p.Weights, other, new ulong[24], 1));
        Assert.That(th!.Message, Does.Contain("K = 71"));
        Assert.Throws<ArgumentException>(() => gemm.MultiplySigns(p.Packed, 3, p.Weights, p.Thresholds, new ulong[2], 1));
    }
}
