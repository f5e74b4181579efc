using CommunityToolkit.HighPerformance;
using EdgeBert.Kernels;
using EdgeBert.Kernels.Binary;
using EdgeBert.Kernels.Packing;

namespace EdgeBert.Core.Tests.Kernels.Binary;

/// <summary>
/// Worst cases for the byte accumulators: every bit counts, so each byte grows by 8 per K-word
/// and overflows unless flushed at most every 31 K-words. Random data never gets there.
/// </summary>
[Category("Kernels")]
public class SaturatedCountTests
{
    // 31 and 32 K-words around the flush interval, BERT's FFN, and several flushes.
    [TestCase(1984)]
    [TestCase(2048)]
    [TestCase(3072)]
    [TestCase(8191)]
    public void AllMismatchesAndAllAgreementsAreExact(int k)
    {
        const int m = 5, n = 11;
        var neg = Enumerable.Repeat(-1f, Math.Max(m, n) * k).ToArray();
        var pos = Enumerable.Repeat(1f, n * k).ToArray();
        var a = new ulong[BinaryLayout.MatrixWords(m, k)];
        SignPacking.Pack(new ReadOnlySpan2D<float>(neg, 0, m, k, 0), a);
        var wPos = PackedBinaryWeights.FromFloat(new ReadOnlySpan2D<float>(pos, n, k), [1f]);
        var wNeg = PackedBinaryWeights.FromFloat(new ReadOnlySpan2D<float>(neg.AsSpan(0, n * k).ToArray(), n, k), [1f]);
        var tNeg = PackedTernaryWeights.FromFloat(new ReadOnlySpan2D<float>(neg.AsSpan(0, n * k).ToArray(), n, k), [1f]);
        var codes = Enumerable.Repeat((byte)255, m * k).ToArray();
        var planes = new ulong[BitPlanePacking.MatrixWords(m, k, 8)];
        BitPlanePacking.Pack(new ReadOnlySpan2D<byte>(codes, m, k), 8, planes);
        var ones = Enumerable.Repeat(1f, m).ToArray();

        foreach (var isa in KernelIsaSelector.Supported)
        {
            var y = new float[m * n];
            BinaryGemm.Create(isa).Multiply(a, m, wPos, default, default, new Span2D<float>(y, m, n), 1);
            Assert.That(y, Is.All.EqualTo((float)-k), $"W1A1 all mismatches {isa} K={k}");
            BinaryGemm.Create(isa).Multiply(a, m, wNeg, default, default, new Span2D<float>(y, m, n), 1);
            Assert.That(y, Is.All.EqualTo((float)k), $"W1A1 all agreements {isa} K={k}");
            TernaryBinaryGemm.Create(isa).Multiply(a, m, tNeg, default, default, new Span2D<float>(y, m, n), 1);
            Assert.That(y, Is.All.EqualTo((float)k), $"W2A1 all agreements {isa} K={k}");
            BitSerialGemm.Create(isa).Multiply(planes, m, 8, wNeg, ones, default, default, new Span2D<float>(y, m, n), 1);
            Assert.That(y, Is.All.EqualTo(-255f * k), $"W1A8 all-255 codes on negative weights {isa} K={k}");
        }
    }
}
