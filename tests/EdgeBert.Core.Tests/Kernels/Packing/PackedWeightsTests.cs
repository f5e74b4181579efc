using CommunityToolkit.HighPerformance;
using EdgeBert.Kernels.Packing;

namespace EdgeBert.Core.Tests.Kernels.Packing;

[Category("Kernels")]
public class PackedWeightsTests
{
    [TestCase(1, 1)]
    [TestCase(13, 65)]
    [TestCase(17, 768)]
    public void BinaryPanelsHoldEveryWeight(int n, int k)
    {
        int seed = 800 + n + k;
        float[] w = PackingTestData.Floats(new Random(seed), n * k);
        var packed = PackedBinaryWeights.FromFloat(new ReadOnlySpan2D<float>(w, n, k), [0.5f]);
        Assert.That(packed.PanelCount, Is.EqualTo((n + 7) / 8));
        Assert.That(packed.Alpha.ToArray(), Is.All.EqualTo(0.5f));
        for (int row = 0; row < n; row++)
        {
            for (int i = 0; i < k; i++)
            {
                Assert.That(packed.IsNegative(row, i), Is.EqualTo(w[row * k + i] < 0f), $"[{row}, {i}] of [{n}, {k}] seed={seed}");
            }
        }
    }

    [Test]
    public void BinaryPanelLayoutIsLanePerOutput()
    {
        // Row r of a [9, 128] weight has word w = r * 16 + w + 1 (a distinct pattern per word).
        const int n = 9, k = 128;
        int stride = BinaryLayout.RowStrideWords(k);
        var canonical = new ulong[n * stride];
        for (int r = 0; r < n; r++) for (int w = 0; w < 2; w++) canonical[r * stride + w] = (ulong)(r * 16 + w + 1);
        var packed = PackedBinaryWeights.FromCanonical(canonical, n, k, [1f]);
        ulong[] expected = new ulong[2 * 2 * 8];
        for (int r = 0; r < n; r++) for (int w = 0; w < 2; w++) expected[((r / 8) * 2 + w) * 8 + r % 8] = (ulong)(r * 16 + w + 1);
        Assert.That(packed.PanelWords, Is.EqualTo(expected));
    }

    [Test]
    public void TernaryPanelsHoldEveryWeight()
    {
        const int n = 11, k = 130, seed = 900;
        sbyte[] w = PackingTestData.Ternary(new Random(seed), n * k);
        var canonical = new ulong[TernaryPacking.MatrixWords(n, k)];
        TernaryPacking.Pack(new ReadOnlySpan2D<sbyte>(w, n, k), canonical);
        float[] alpha = Enumerable.Range(0, n).Select(i => 0.1f * (i + 1)).ToArray();
        var packed = PackedTernaryWeights.FromCanonical(canonical, n, k, alpha);
        Assert.That(packed.Alpha.ToArray(), Is.EqualTo(alpha));
        for (int row = 0; row < n; row++)
        {
            for (int i = 0; i < k; i++) Assert.That(packed.Value(row, i), Is.EqualTo(w[row * k + i]), $"[{row}, {i}] seed={seed}");
        }
    }

    [Test]
    public void BadCanonicalInputsAreClearErrors()
    {
        int stride = BinaryLayout.RowStrideWords(65);
        var bits = new ulong[2 * stride];
        bits[stride + 1] = 1UL << 5; // row 1, bit 69: past K = 65
        var ex = Assert.Throws<ArgumentException>(() => PackedBinaryWeights.FromCanonical(bits, 2, 65, [1f]));
        Assert.That(ex!.Message, Does.Contain("row 1").And.Contain("past K = 65"));

        Assert.Throws<ArgumentException>(() => PackedBinaryWeights.FromCanonical(new ulong[stride], 2, 65, [1f]));
        Assert.Throws<ArgumentException>(() => PackedBinaryWeights.FromCanonical(new ulong[2 * stride], 2, 65, [1f, 2f, 3f]));
        Assert.Throws<ArgumentException>(() => PackedBinaryWeights.FromCanonical(new ulong[2 * stride], 2, 65, [float.NaN]));
        Assert.Throws<ArgumentOutOfRangeException>(() => PackedBinaryWeights.FromCanonical(new ulong[8], 0, 65, [1f]));

        var planes = new ulong[TernaryPacking.MatrixWords(1, 10)];
        planes[0] = 1; // sign set where the nonzero plane says the value is 0
        var tex = Assert.Throws<ArgumentException>(() => PackedTernaryWeights.FromCanonical(planes, 1, 10, [1f]));
        Assert.That(tex!.Message, Does.Contain("sign bit set on a zero value"));
    }
}
