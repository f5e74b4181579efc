using CommunityToolkit.HighPerformance;
using EdgeBert.Kernels.Packing;

namespace EdgeBert.Core.Tests.Kernels.Packing;

[Category("Kernels")]
public class BitPlanePackingTests
{
    private const int Tokens = 3;

    public static IEnumerable<TestCaseData> Cases() =>
        from k in PackingTestData.EdgeK from bits in new[] { 4, 8 } select new TestCaseData(k, bits);

    [TestCaseSource(nameof(Cases))]
    public void PlanesHoldTheCodeBitsAtEveryWidth(int k, int bits)
    {
        int seed = 700 + k * 10 + bits;
        byte[] codes = PackingTestData.Codes(new Random(seed), Tokens * k, bits);
        int stride = BinaryLayout.RowStrideWords(k);
        foreach (int width in PackingWidth.Supported)
        {
            var planes = SignPackingTests.Fill(BitPlanePacking.MatrixWords(Tokens, k, bits));
            BitPlanePacking.Pack(new ReadOnlySpan2D<byte>(codes, Tokens, k), bits, planes, width);
            for (int t = 0; t < Tokens; t++)
            {
                for (int b = 0; b < bits; b++)
                {
                    int token = t, plane = b;
                    SignPackingTests.AssertBits(planes.AsSpan((t * bits + b) * stride, stride), 1, k,
                        (_, i) => ((codes[token * k + i] >> plane) & 1) != 0, $"token {t} plane {b} K={k} bits={bits} seed={seed} width={width}");
                }
            }
        }
    }

    [Test]
    public void CodeTooWideIsAClearError()
    {
        byte[] codes = [1, 15, 16];
        var ex = Assert.Throws<ArgumentException>(() =>
            BitPlanePacking.Pack(new ReadOnlySpan2D<byte>(codes, 1, 3), 4, new ulong[BitPlanePacking.MatrixWords(1, 3, 4)]));
        Assert.That(ex!.Message, Does.Contain("Code 16 at [0, 2]").And.Contain("4 bits"));
        Assert.Throws<ArgumentOutOfRangeException>(() => BitPlanePacking.MatrixWords(1, 3, 9));
    }

    [TestCase(4, 11)]
    [TestCase(8, 12)]
    public void QuantizeRoundTripsWithinHalfAStep(int bits, int seed)
    {
        float[] x = PackingTestData.Floats(new Random(seed), 300);
        x[7] = 0f;
        var codes = new byte[x.Length];
        BitPlanePacking.Quantize(x, bits, codes, out float scale, out int zeroPoint);
        Assert.That(zeroPoint, Is.InRange(0, (1 << bits) - 1));
        for (int i = 0; i < x.Length; i++)
        {
            float back = scale * (codes[i] - zeroPoint);
            Assert.That(back, Is.EqualTo(x[i]).Within(scale * 0.5f + 1e-6f), $"bits={bits} seed={seed} index={i}");
        }
        Assert.That(scale * (codes[7] - zeroPoint), Is.EqualTo(0f), "zero must be exact");
    }

    [Test]
    public void QuantizeRejectsNonFiniteAndHandlesZeros()
    {
        var codes = new byte[3];
        Assert.Throws<ArgumentException>(() => BitPlanePacking.Quantize([1f, float.NaN, 0f], 8, codes, out _, out _));
        BitPlanePacking.Quantize([0f, 0f, 0f], 8, codes, out float scale, out int zero);
        Assert.That((scale, zero), Is.EqualTo((1f, 0)));
        Assert.That(codes, Is.All.EqualTo((byte)0));
    }
}
