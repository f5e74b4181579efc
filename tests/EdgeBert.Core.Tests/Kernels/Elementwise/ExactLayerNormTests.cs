using CommunityToolkit.HighPerformance;
using EdgeBert.Kernels.Elementwise;
using EdgeBert.Kernels.Packing;

namespace EdgeBert.Core.Tests.Kernels.Elementwise;

[Category("Kernels")]
public class ExactLayerNormTests
{
    /// <summary>
    /// Blocks of 32 rows (vector lanes under AVX-512) and of 8 rows, partial blocks, column and
    /// vector tails, one or two threads: bit for bit the scalar reference.
    /// </summary>
    [TestCase(1, 1, 1, 1)]
    [TestCase(32, 8, 7, 1)]
    [TestCase(32, 130, 8, 1)]
    [TestCase(64, 768, 9, 2)]
    [TestCase(70, 37, 10, 2)]
    [TestCase(128, 128, 11, 1)]
    [TestCase(45, 7, 12, 1)]
    [TestCase(7, 13, 2, 1)]
    [TestCase(8, 768, 3, 1)]
    [TestCase(19, 37, 4, 2)]
    [TestCase(33, 768, 5, 2)]
    [TestCase(0, 5, 6, 1)]
    public void EqualsScalarReferenceBitForBit(int rows, int width, int seed, int threads)
    {
        var rng = new Random(seed);
        // Offsets and a wide spread make the float64 sums inexact, so a changed order would show.
        float[] x = Enumerable.Range(0, rows * width).Select(_ => (float)(rng.NextDouble() * 40 - 10) * (rng.Next(4) == 0 ? 1e-3f : 1f)).ToArray();
        float[] residual = Enumerable.Range(0, rows * width).Select(_ => (float)(rng.NextDouble() * 6 - 3)).ToArray();
        float[] gamma = Enumerable.Range(0, width).Select(_ => (float)(rng.NextDouble() + 0.5)).ToArray();
        float[] beta = Enumerable.Range(0, width).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();

        float[] expected = x.Zip(residual, (a, b) => a + b).ToArray();
        ExactLayerNorm.Reference(expected, rows, width, gamma, beta, 1e-12f);
        float[] actual = (float[])x.Clone();
        ExactLayerNorm.Apply(actual, residual, rows, width, gamma, beta, 1e-12f, threads);
        Assert.That(actual, Is.EqualTo(expected), $"rows={rows} width={width} seed={seed} threads={threads}");

        float[] plain = (float[])x.Clone(), plainExpected = (float[])x.Clone();
        ExactLayerNorm.Reference(plainExpected, rows, width, gamma, beta, 1e-5f);
        ExactLayerNorm.Apply(plain, default, rows, width, gamma, beta, 1e-5f, threads);
        Assert.That(plain, Is.EqualTo(plainExpected), $"no residual: rows={rows} width={width} seed={seed} threads={threads}");
    }

    /// <summary>
    /// The fused sign packing: the floats are unchanged (bit for bit the reference) and the packed
    /// words are exactly SignPacking of them (bit 1 for &lt; 0, −0 as +1, padding 0), over word
    /// tails, vector tails, partial row blocks and threads.
    /// </summary>
    [TestCase(1, 1, 11, 1)]
    [TestCase(7, 63, 12, 1)]
    [TestCase(9, 64, 13, 2)]
    [TestCase(17, 65, 14, 3)]
    [TestCase(8, 130, 15, 1)]
    [TestCase(33, 768, 16, 2)]
    [TestCase(3, 7, 17, 1)]
    [TestCase(40, 130, 18, 2)]
    [TestCase(64, 768, 19, 1)]
    [TestCase(33, 200, 20, 1)]
    public void PackedSignsEqualSignPackingOfTheResult(int rows, int width, int seed, int threads)
    {
        var rng = new Random(seed);
        float[] x = Enumerable.Range(0, rows * width).Select(_ => (float)(rng.NextDouble() * 40 - 10)).ToArray();
        float[] residual = Enumerable.Range(0, rows * width).Select(_ => (float)(rng.NextDouble() * 6 - 3)).ToArray();
        float[] gamma = Enumerable.Range(0, width).Select(i => i % 11 == 0 ? 0f : (float)(rng.NextDouble() + 0.5)).ToArray();
        // gamma 0 with beta −0 or 0 gives exact zeros of both signs.
        float[] beta = Enumerable.Range(0, width).Select(i => i % 11 == 0 ? (i % 22 == 0 ? -0f : 0f) : (float)(rng.NextDouble() - 0.5)).ToArray();

        float[] expected = x.Zip(residual, (a, b) => a + b).ToArray();
        ExactLayerNorm.Reference(expected, rows, width, gamma, beta, 1e-12f);
        var expectedSigns = new ulong[BinaryLayout.MatrixWords(rows, width)];
        SignPacking.Pack(new ReadOnlySpan2D<float>(expected, rows, width), expectedSigns);

        float[] actual = (float[])x.Clone();
        var signs = Enumerable.Repeat(ulong.MaxValue, expectedSigns.Length).ToArray();
        ExactLayerNorm.Apply(actual, residual, rows, width, gamma, beta, 1e-12f, signs, threads);
        Assert.Multiple(() =>
        {
            Assert.That(actual, Is.EqualTo(expected), $"floats: rows={rows} width={width} threads={threads}");
            Assert.That(signs, Is.EqualTo(expectedSigns), $"signs: rows={rows} width={width} threads={threads}");
        });
        // A short (non-empty) sign buffer is an error; an empty one means "no signs".
        if (expectedSigns.Length > 1)
            Assert.Throws<ArgumentException>(() => ExactLayerNorm.Apply(actual, residual, rows, width, gamma, beta, 1e-12f, new ulong[expectedSigns.Length - 1], threads));
    }

    [Test]
    public void ShortBuffersThrow()
    {
        float[] g = new float[4];
        Assert.Throws<ArgumentException>(() => ExactLayerNorm.Apply(new float[7], default, 2, 4, g, g, 1e-5f, 1));
        Assert.Throws<ArgumentException>(() => ExactLayerNorm.Apply(new float[8], new float[4], 2, 4, g, g, 1e-5f, 1));
        Assert.Throws<ArgumentException>(() => ExactLayerNorm.Apply(new float[8], default, 2, 4, new float[3], g, 1e-5f, 1));
    }
}
