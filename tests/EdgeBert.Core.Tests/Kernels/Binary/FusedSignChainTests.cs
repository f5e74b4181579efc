using CommunityToolkit.HighPerformance;
using EdgeBert.Core.Tests.Kernels.Packing;
using EdgeBert.Kernels;
using EdgeBert.Kernels.Binary;
using EdgeBert.Kernels.Elementwise;
using EdgeBert.Kernels.Packing;
using static EdgeBert.Core.Tests.Kernels.Binary.GemmTestData;

namespace EdgeBert.Core.Tests.Kernels.Binary;

/// <summary>
/// The fused sign epilogue must be interchangeable with "float output, then pack the signs":
/// the encoder relies on it when one layer writes the next layer's binary input directly.
/// </summary>
[Category("Kernels")]
public class FusedSignChainTests
{
    [TestCase(7, 130, 100)]
    [TestCase(4, 64, 768)]
    [TestCase(9, 1, 65)]
    public void FusedSignsEqualPackedFloatOutputAndFeedTheNextLayer(int m, int n, int k)
    {
        int seed = SeedOf(m, n, k) + 99;
        var rng = new Random(seed);
        float[] a = PackingTestData.Floats(rng, m * k);
        ulong[] packed = PackSigns(a, m, k);
        float[] alpha = Alpha(rng, n), beta = Bias(rng, n);
        var weights = PackedBinaryWeights.FromFloat(new ReadOnlySpan2D<float>(PackingTestData.Floats(rng, n * k), n, k), alpha);
        var ternary = PackedTernaryWeights.FromFloat(new ReadOnlySpan2D<float>(PackingTestData.Floats(rng, n * k), n, k), alpha);
        var thresholds = SignThresholds.Create(alpha, beta, n, k);
        var next = PackedBinaryWeights.FromFloat(new ReadOnlySpan2D<float>(PackingTestData.Floats(rng, 5 * n), 5, n), [1f]);

        foreach (var isa in KernelIsaSelector.Supported)
        {
            string what = $"{isa} M={m} N={n} K={k} seed={seed}";
            var y = new float[m * n];
            var fromFloat = new ulong[BinaryLayout.MatrixWords(m, n)];
            var fused = new ulong[BinaryLayout.MatrixWords(m, n)];

            BinaryGemm.Create(isa).Multiply(packed, m, weights, default, beta, new Span2D<float>(y, m, n), 2);
            SignPacking.Pack(new ReadOnlySpan2D<float>(y, m, n), fromFloat);
            BinaryGemm.Create(isa).MultiplySigns(packed, m, weights, thresholds, fused, 2);
            AssertSameWords(fromFloat, fused, "W1A1 " + what);

            TernaryBinaryGemm.Create(isa).Multiply(packed, m, ternary, default, beta, new Span2D<float>(y, m, n), 2);
            SignPacking.Pack(new ReadOnlySpan2D<float>(y, m, n), fromFloat);
            TernaryBinaryGemm.Create(isa).MultiplySigns(packed, m, ternary, thresholds, fused, 2);
            AssertSameWords(fromFloat, fused, "W2A1 " + what);

            // The fused output is a valid canonical input (padding 0) for the next layer.
            var z = new float[m * 5];
            Assert.DoesNotThrow(() => BinaryGemm.Create(isa).Multiply(fused, m, next, default, default, new Span2D<float>(z, m, 5), 1), what);
        }
    }

    /// <summary>(M, N, K): edge shapes plus the BERT-base FFN depth; <see cref="GeluCases"/> adds random shapes.</summary>
    private static readonly (int M, int N, int K)[] GeluShapes = [(1, 1, 1), (7, 130, 100), (4, 64, 768), (9, 1, 65), (5, 200, 3072), (3, 513, 63)];

    private static IEnumerable<TestCaseData> GeluCases()
    {
        foreach (var (m, n, k) in GeluShapes) yield return new TestCaseData(m, n, k);
        var rng = new Random(77);
        for (int i = 0; i < 8; i++) yield return new TestCaseData(rng.Next(1, 20), rng.Next(1, 300), rng.Next(1, 1100));
    }

    /// <summary>
    /// The W1A1 FFN fusion: sign(gelu(y)) from the GELU thresholds equals "float output, GELU pass,
    /// pack the signs" on every instruction set and thread count, with channels placed around
    /// GELU's underflow ceiling and around 0.
    /// </summary>
    [TestCaseSource(nameof(GeluCases))]
    public void FusedGeluSignsEqualGeluOfFloatOutputPacked(int m, int n, int k)
    {
        int seed = SeedOf(m, n, k) + 7;
        var rng = new Random(seed);
        float[] a = PackingTestData.Floats(rng, m * k);
        ulong[] packed = PackSigns(a, m, k);
        float[] alpha = Alpha(rng, n), beta = new float[n];
        for (int j = 0; j < n; j++)
        {
            // Small scales keep many dots near the boundary chosen for the channel.
            alpha[j] *= j % 3 == 0 ? 1f : 0.01f;
            float centre = j % 4 == 0 ? 0f : GeluSign.UnderflowCeiling;
            beta[j] = centre + (rng.NextSingle() - 0.5f) * (j % 5 == 0 ? 1e-5f : 0.5f);
        }
        if (n > 3) { alpha[3] = 1f; beta[3] = GeluSign.UnderflowCeiling; } // y hits the ceiling exactly at dot 0
        var weights = PackedBinaryWeights.FromFloat(new ReadOnlySpan2D<float>(PackingTestData.Floats(rng, n * k), n, k), alpha);
        var thresholds = SignThresholds.CreateGelu(alpha, beta, n, k);

        var expected = new ulong[BinaryLayout.MatrixWords(m, n)];
        var y = new float[m * n];
        BinaryGemm.Create(KernelIsa.Scalar).Multiply(packed, m, weights, default, beta, new Span2D<float>(y, m, n), 1);
        Gelu.Apply(y, y);
        SignPacking.Pack(new ReadOnlySpan2D<float>(y, m, n), expected);

        foreach (var isa in KernelIsaSelector.Supported)
        {
            foreach (int threads in ThreadCounts)
            {
                var fused = new ulong[BinaryLayout.MatrixWords(m, n)];
                Array.Fill(fused, ulong.MaxValue); // overwritten, padding included
                BinaryGemm.Create(isa).MultiplySigns(packed, m, weights, thresholds, fused, threads);
                AssertSameWords(expected, fused, $"{isa} threads={threads} M={m} N={n} K={k} seed={seed}");
            }
        }
    }
}
