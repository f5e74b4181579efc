using CommunityToolkit.HighPerformance;
using EdgeBert.Kernels.Packing;

namespace EdgeBert.Core.Tests.Kernels.Packing;

[Category("Kernels")]
public class SignPackingTests
{
    private const int Rows = 3;

    [TestCaseSource(typeof(PackingTestData), nameof(PackingTestData.EdgeK))]
    public void FloatSignsMatchTheDefinitionAtEveryWidth(int k)
    {
        int seed = 100 + k;
        float[] x = PackingTestData.Floats(new Random(seed), Rows * k);
        var view = new ReadOnlySpan2D<float>(x, Rows, k);
        foreach (int width in PackingWidth.Supported)
        {
            var packed = Fill(BinaryLayout.MatrixWords(Rows, k));
            SignPacking.Pack(view, packed, width);
            AssertBits(packed, Rows, k, (r, i) => x[r * k + i] < 0f, $"float K={k} seed={seed} width={width}");
        }
    }

    [TestCaseSource(typeof(PackingTestData), nameof(PackingTestData.EdgeK))]
    public void Int8SignsMatchTheDefinitionAtEveryWidth(int k)
    {
        int seed = 200 + k;
        sbyte[] x = PackingTestData.Bytes(new Random(seed), Rows * k);
        var view = new ReadOnlySpan2D<sbyte>(x, Rows, k);
        foreach (int width in PackingWidth.Supported)
        {
            var packed = Fill(BinaryLayout.MatrixWords(Rows, k));
            SignPacking.Pack(view, packed, width);
            AssertBits(packed, Rows, k, (r, i) => x[r * k + i] < 0, $"int8 K={k} seed={seed} width={width}");
        }
    }

    [TestCase(65)]
    [TestCase(768)]
    public void UnpackInvertsPackOnPlusMinusOne(int k)
    {
        int seed = 300 + k;
        float[] x = PackingTestData.Floats(new Random(seed), Rows * k);
        var packed = new ulong[BinaryLayout.MatrixWords(Rows, k)];
        SignPacking.Pack(new ReadOnlySpan2D<float>(x, Rows, k), packed);
        var back = new float[Rows * k];
        SignPacking.Unpack(packed, new Span2D<float>(back, Rows, k));
        for (int i = 0; i < x.Length; i++)
        {
            Assert.That(back[i], Is.EqualTo((float)PackingTestData.Sign(x[i])), $"K={k} seed={seed} index={i}");
        }
    }

    [Test]
    public void PacksAStridedView()
    {
        const int k = 100, pitch = 28, seed = 350;
        float[] big = PackingTestData.Floats(new Random(seed), Rows * (k + pitch));
        var view = new ReadOnlySpan2D<float>(big, 0, Rows, k, pitch);
        float[] dense = view.ToArray().Cast<float>().ToArray();
        var fromView = new ulong[BinaryLayout.MatrixWords(Rows, k)];
        var fromDense = new ulong[BinaryLayout.MatrixWords(Rows, k)];
        SignPacking.Pack(view, fromView);
        SignPacking.Pack(new ReadOnlySpan2D<float>(dense, Rows, k), fromDense);
        Assert.That(fromView, Is.EqualTo(fromDense), $"K={k} pitch={pitch} seed={seed}");
    }

    [Test]
    public void ShortOutputIsAClearError()
    {
        var x = new float[2 * 65];
        var ex = Assert.Throws<ArgumentException>(() => SignPacking.Pack(new ReadOnlySpan2D<float>(x, 2, 65), new ulong[3]));
        Assert.That(ex!.Message, Does.Contain("[2, 65]").And.Contain("4"));
        Assert.Throws<ArgumentException>(() => SignPacking.PackRow(new float[65], new ulong[1]));
    }

    /// <summary>A buffer full of ones, so that padding the packer fails to clear shows up.</summary>
    internal static ulong[] Fill(int words)
    {
        var a = new ulong[words];
        Array.Fill(a, ulong.MaxValue);
        return a;
    }

    /// <summary>Checks every bit of a packed matrix, including that padding bits and words are 0.</summary>
    internal static void AssertBits(ReadOnlySpan<ulong> packed, int rows, int k, Func<int, int, bool> expected, string what)
    {
        int stride = BinaryLayout.RowStrideWords(k);
        for (int r = 0; r < rows; r++)
        {
            for (int i = 0; i < stride * 64; i++)
            {
                bool bit = ((packed[r * stride + (i >> 6)] >> (i & 63)) & 1) != 0;
                bool want = i < k && expected(r, i);
                if (bit != want)
                {
                    Assert.Fail($"{what}: row {r}, bit {i} is {bit}, expected {want}{(i >= k ? " (padding)" : "")}");
                }
            }
        }
    }
}
