using EdgeBert.Kernels.Packing;

namespace EdgeBert.Core.Tests.Kernels.Packing;

[Category("Kernels")]
public class BinaryLayoutTests
{
    [TestCase(1, 1, 1)]
    [TestCase(64, 1, 1)]
    [TestCase(65, 2, 2)]
    [TestCase(512, 8, 8)]
    [TestCase(513, 9, 9)]
    [TestCase(768, 12, 12)]
    [TestCase(3072, 48, 48)]
    public void WordsAndStride(int k, int words, int stride)
    {
        Assert.That(BinaryLayout.WordsPerRow(k), Is.EqualTo(words), $"K={k}");
        Assert.That(BinaryLayout.RowStrideWords(k), Is.EqualTo(stride), $"K={k}");
        Assert.That(BinaryLayout.MatrixWords(3, k), Is.EqualTo(3 * stride), $"K={k}");
    }

    [Test]
    public void NegativeSizesAreClearErrors()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BinaryLayout.WordsPerRow(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => BinaryLayout.MatrixWords(-2, 64));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => BinaryLayout.MatrixWords(int.MaxValue, 1 << 20));
        Assert.That(ex!.Message, Does.Contain("more than an array can hold"));
    }
}
