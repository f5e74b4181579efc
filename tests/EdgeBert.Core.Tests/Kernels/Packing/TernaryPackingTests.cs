using CommunityToolkit.HighPerformance;
using EdgeBert.Kernels.Packing;

namespace EdgeBert.Core.Tests.Kernels.Packing;

[Category("Kernels")]
public class TernaryPackingTests
{
    private const int Rows = 3;

    [TestCaseSource(typeof(PackingTestData), nameof(PackingTestData.EdgeK))]
    public void Int8PlanesMatchTheDefinitionAtEveryWidth(int k)
    {
        int seed = 400 + k;
        sbyte[] x = PackingTestData.Ternary(new Random(seed), Rows * k);
        int planeWords = BinaryLayout.MatrixWords(Rows, k);
        foreach (int width in PackingWidth.Supported)
        {
            var packed = SignPackingTests.Fill(TernaryPacking.MatrixWords(Rows, k));
            TernaryPacking.Pack(new ReadOnlySpan2D<sbyte>(x, Rows, k), packed, width);
            SignPackingTests.AssertBits(packed.AsSpan(0, planeWords), Rows, k, (r, i) => x[r * k + i] < 0, $"sign K={k} seed={seed} width={width}");
            SignPackingTests.AssertBits(packed.AsSpan(planeWords), Rows, k, (r, i) => x[r * k + i] != 0, $"nonzero K={k} seed={seed} width={width}");
        }
    }

    [TestCaseSource(typeof(PackingTestData), nameof(PackingTestData.EdgeK))]
    public void FloatPlanesMatchTheDefinitionAtEveryWidth(int k)
    {
        int seed = 500 + k;
        float[] x = PackingTestData.Floats(new Random(seed), Rows * k);
        int planeWords = BinaryLayout.MatrixWords(Rows, k);
        foreach (int width in PackingWidth.Supported)
        {
            var packed = SignPackingTests.Fill(TernaryPacking.MatrixWords(Rows, k));
            TernaryPacking.Pack(new ReadOnlySpan2D<float>(x, Rows, k), packed, width);
            SignPackingTests.AssertBits(packed.AsSpan(0, planeWords), Rows, k, (r, i) => x[r * k + i] < 0f, $"sign K={k} seed={seed} width={width}");
            SignPackingTests.AssertBits(packed.AsSpan(planeWords), Rows, k, (r, i) => x[r * k + i] != 0f, $"nonzero K={k} seed={seed} width={width}");
        }
    }

    [TestCase(63)]
    [TestCase(513)]
    public void UnpackInvertsPack(int k)
    {
        int seed = 600 + k;
        sbyte[] x = PackingTestData.Ternary(new Random(seed), Rows * k);
        var packed = new ulong[TernaryPacking.MatrixWords(Rows, k)];
        TernaryPacking.Pack(new ReadOnlySpan2D<sbyte>(x, Rows, k), packed);
        var back = new float[Rows * k];
        TernaryPacking.Unpack(packed, new Span2D<float>(back, Rows, k));
        Assert.That(back, Is.EqualTo(x.Select(v => (float)v).ToArray()), $"K={k} seed={seed}");
    }

    [Test]
    public void NonTernaryInt8IsAClearError()
    {
        sbyte[] x = [1, 0, -1, 2, 0, 0];
        var ex = Assert.Throws<ArgumentException>(() =>
            TernaryPacking.Pack(new ReadOnlySpan2D<sbyte>(x, 2, 3), new ulong[TernaryPacking.MatrixWords(2, 3)]));
        Assert.That(ex!.Message, Does.Contain("Ternary value 2 at [1, 0]"));
    }
}
