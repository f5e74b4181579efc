using CommunityToolkit.HighPerformance;
using EdgeBert.Core.Tests.Kernels.Packing;
using EdgeBert.Kernels;
using EdgeBert.Kernels.Binary;
using EdgeBert.Kernels.Packing;
using static EdgeBert.Core.Tests.Kernels.Binary.GemmTestData;

namespace EdgeBert.Core.Tests.Kernels.Binary;

/// <summary>
/// Shapes drawn at random (fixed seeds) beyond the hand-picked edges: every family, every
/// supported instruction set, against the scalar reference, bit for bit.
/// </summary>
[Category("Kernels")]
public class RandomShapeSweepTests
{
    [Test]
    public void EveryFamilyMatchesScalarOnRandomShapes([Range(1, 24)] int seed)
    {
        var rng = new Random(seed);
        int m = rng.Next(1, 14), n = rng.Next(1, 140), k = rng.Next(1, 1100), bits = rng.Next(1, 9);
        int threads = rng.Next(1, 4);
        string shape = $"M={m} N={n} K={k} bits={bits} threads={threads} seed={seed}";

        float[] a = PackingTestData.Floats(rng, m * k);
        ulong[] packed = PackSigns(a, m, k);
        float[] alpha = Alpha(rng, n), bias = Bias(rng, n), scale = Positive(rng, m);
        var binary = PackedBinaryWeights.FromFloat(new ReadOnlySpan2D<float>(PackingTestData.Floats(rng, n * k), n, k), alpha);
        var ternary = PackedTernaryWeights.FromFloat(new ReadOnlySpan2D<float>(PackingTestData.Floats(rng, n * k), n, k), alpha);
        var thresholds = SignThresholds.Create(alpha, bias, n, k);
        byte[] codes = PackingTestData.Codes(rng, m * k, bits);
        var planes = new ulong[BitPlanePacking.MatrixWords(m, k, bits)];
        BitPlanePacking.Pack(new ReadOnlySpan2D<byte>(codes, m, k), bits, planes);
        int[] zero = Enumerable.Range(0, m).Select(_ => rng.Next(0, 1 << bits)).ToArray();

        float[] Float(Action<Span2D<float>> run)
        {
            var y = new float[m * n];
            run(new Span2D<float>(y, m, n));
            return y;
        }
        ulong[] Signs(Action<ulong[]> run)
        {
            var y = new ulong[BinaryLayout.MatrixWords(m, n)];
            run(y);
            return y;
        }

        foreach (var isa in SimdIsas)
        {
            var (b0, b1) = (BinaryGemm.Create(KernelIsa.Scalar), BinaryGemm.Create(isa));
            AssertSameFloats(Float(y => b0.Multiply(packed, m, binary, scale, bias, y, 1)),
                Float(y => b1.Multiply(packed, m, binary, scale, bias, y, threads)), m, n, $"W1A1 {isa} {shape}");
            AssertSameWords(Signs(y => b0.MultiplySigns(packed, m, binary, thresholds, y, 1)),
                Signs(y => b1.MultiplySigns(packed, m, binary, thresholds, y, threads)), $"W1A1 signs {isa} {shape}");

            var (t0, t1) = (TernaryBinaryGemm.Create(KernelIsa.Scalar), TernaryBinaryGemm.Create(isa));
            AssertSameFloats(Float(y => t0.Multiply(packed, m, ternary, scale, bias, y, 1)),
                Float(y => t1.Multiply(packed, m, ternary, scale, bias, y, threads)), m, n, $"W2A1 {isa} {shape}");
            AssertSameWords(Signs(y => t0.MultiplySigns(packed, m, ternary, thresholds, y, 1)),
                Signs(y => t1.MultiplySigns(packed, m, ternary, thresholds, y, threads)), $"W2A1 signs {isa} {shape}");

            var (s0, s1) = (BitSerialGemm.Create(KernelIsa.Scalar), BitSerialGemm.Create(isa));
            AssertSameFloats(Float(y => s0.Multiply(planes, m, bits, binary, scale, zero, bias, y, 1)),
                Float(y => s1.Multiply(planes, m, bits, binary, scale, zero, bias, y, threads)), m, n, $"W1A{bits} {isa} {shape}");
        }
    }
}
