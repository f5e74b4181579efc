using CommunityToolkit.HighPerformance;
using EdgeBert.Core.Tests.Kernels.Packing;
using EdgeBert.Kernels;
using EdgeBert.Kernels.Binary;
using EdgeBert.Kernels.Packing;
using static EdgeBert.Core.Tests.Kernels.Binary.GemmTestData;

namespace EdgeBert.Core.Tests.Kernels.Binary;

[Category("Kernels")]
public class BitSerialGemmTests
{
    private sealed record Problem(int M, int N, int K, int Bits, int Seed, byte[] Codes, float[] W, ulong[] Planes,
        PackedBinaryWeights Weights, float[] Scale, int[] ZeroPoint, float[] Bias);

    public static IEnumerable<TestCaseData> Cases() =>
        from k in PackingTestData.EdgeK from bits in new[] { 4, 8 } select new TestCaseData(k, bits);

    /// <summary>Every SIMD family (skipped where unsupported) with each case of <see cref="Cases"/>.</summary>
    public static IEnumerable<TestCaseData> SimdCases() =>
        from isa in Enum.GetValues<KernelIsa>() where isa != KernelIsa.Scalar
        from k in PackingTestData.EdgeK from bits in new[] { 4, 8 } select new TestCaseData(isa, k, bits);

    private static Problem Make(int m, int n, int k, int bits)
    {
        int seed = SeedOf(m, n, k) * 3 + bits;
        var rng = new Random(seed);
        byte[] codes = PackingTestData.Codes(rng, m * k, bits);
        float[] w = PackingTestData.Floats(rng, n * k);
        var weights = PackedBinaryWeights.FromFloat(new ReadOnlySpan2D<float>(w, n, k), Alpha(rng, n));
        var planes = new ulong[BitPlanePacking.MatrixWords(m, k, bits)];
        BitPlanePacking.Pack(new ReadOnlySpan2D<byte>(codes, m, k), bits, planes);
        int[] zero = Enumerable.Range(0, m).Select(_ => rng.Next(0, 1 << bits)).ToArray();
        return new Problem(m, n, k, bits, seed, codes, w, planes, weights, Positive(rng, m), zero, Bias(rng, n));
    }

    private static float[] Run(BitSerialGemm gemm, Problem p, int threads, bool withZero = true)
    {
        var y = new float[p.M * p.N];
        gemm.Multiply(p.Planes, p.M, p.Bits, p.Weights, p.Scale, withZero ? p.ZeroPoint : default, p.Bias,
            new Span2D<float>(y, p.M, p.N), threads);
        return y;
    }

    [TestCaseSource(nameof(Cases))]
    public void ScalarMatchesNaiveSignedDotProduct(int k, int bits)
    {
        var p = Make(5, 13, k, bits);
        var gemm = BitSerialGemm.Create(KernelIsa.Scalar);
        foreach (bool withZero in new[] { true, false })
        {
            float[] y = Run(gemm, p, 1, withZero);
            var expected = new float[y.Length];
            for (int m = 0; m < p.M; m++)
            {
                long zero = withZero ? p.ZeroPoint[m] : 0;
                for (int n = 0; n < p.N; n++)
                {
                    long dot = 0;
                    for (int i = 0; i < k; i++) dot += PackingTestData.Sign(p.W[n * k + i]) * (p.Codes[m * k + i] - zero);
                    expected[m * p.N + n] = p.Weights.Alpha[n] * p.Scale[m] * dot + p.Bias[n];
                }
            }
            AssertSameFloats(expected, y, p.M, p.N, $"scalar W1A{bits} zeroPoint={withZero} K={k} seed={p.Seed}");
        }
    }

    [TestCaseSource(nameof(SimdCases))]
    public void EverySimdPathMatchesScalarExactly(KernelIsa isa, int k, int bits)
    {
        RequireSupported(isa);
        var scalar = BitSerialGemm.Create(KernelIsa.Scalar);
        var gemm = BitSerialGemm.Create(isa);
        foreach (var (m, n) in Shapes)
        {
            var p = Make(m, n, k, bits);
            float[] expected = Run(scalar, p, 1);
            foreach (int threads in ThreadCounts)
            {
                AssertSameFloats(expected, Run(gemm, p, threads), m, n,
                    $"W1A{bits} {isa} M={m} N={n} K={k} threads={threads} seed={p.Seed}");
            }
        }
    }

    [Test]
    public void ActiveAndCreateFollowTheSelector()
    {
        Assert.That(BitSerialGemm.Active.Isa, Is.EqualTo(KernelIsaSelector.Active));
        foreach (var isa in Enum.GetValues<KernelIsa>())
        {
            if (KernelIsaSelector.IsSupported(isa)) Assert.That(BitSerialGemm.Create(isa).Isa, Is.EqualTo(isa));
            else Assert.Throws<PlatformNotSupportedException>(() => BitSerialGemm.Create(isa));
        }
    }

    [Test]
    public void BadArgumentsAreClearErrors()
    {
        var p = Make(3, 5, 70, 4);
        var gemm = BitSerialGemm.Active;
        var y = new float[15];
        var ex = Assert.Throws<ArgumentException>(() => gemm.Multiply(p.Planes, 3, 8, p.Weights, p.Scale, default, default, new Span2D<float>(y, 3, 5), 1));
        Assert.That(ex!.Message, Does.Contain("8 planes"));
        Assert.Throws<ArgumentOutOfRangeException>(() => gemm.Multiply(p.Planes, 3, 0, p.Weights, p.Scale, default, default, new Span2D<float>(y, 3, 5), 1));
        Assert.Throws<ArgumentException>(() => gemm.Multiply(p.Planes, 3, 4, p.Weights, default, default, default, new Span2D<float>(y, 3, 5), 1));
        Assert.Throws<ArgumentException>(() => gemm.Multiply(p.Planes, 3, 4, p.Weights, p.Scale, new int[2], default, new Span2D<float>(y, 3, 5), 1));
    }
}
