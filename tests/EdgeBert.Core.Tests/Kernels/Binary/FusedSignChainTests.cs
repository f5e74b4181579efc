using CommunityToolkit.HighPerformance;
using EdgeBert.Core.Tests.Kernels.Packing;
using EdgeBert.Kernels;
using EdgeBert.Kernels.Binary;
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
}
