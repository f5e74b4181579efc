using EdgeBert.Kernels.Packing;

namespace EdgeBert.Core.Tests.Kernels.Packing;

[Category("Kernels")]
public class PackedRowExpansionTests
{
    /// <summary>Binary and ternary rows over word and vector tails: bit for bit the element-wise definition, −0 kept where a ternary value is 0.</summary>
    [TestCase(1, false)]
    [TestCase(7, true)]
    [TestCase(8, false)]
    [TestCase(63, true)]
    [TestCase(64, false)]
    [TestCase(65, true)]
    [TestCase(130, false)]
    [TestCase(768, true)]
    [TestCase(768, false)]
    public void EqualsTheElementwiseDefinition(int n, bool ternary)
    {
        var rng = new Random(n * 2 + (ternary ? 1 : 0));
        int words = (n + 63) / 64;
        ulong[] sign = Enumerable.Range(0, words).Select(_ => (ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 63)).ToArray();
        ulong[] nonzero = ternary ? Enumerable.Range(0, words).Select(_ => (ulong)rng.NextInt64()).ToArray() : [];
        float alpha = 0.37f;
        float[] start = Enumerable.Range(0, n).Select(i => i % 5 == 0 ? -0f : (float)(rng.NextDouble() * 2 - 1)).ToArray();
        float[] expected = (float[])start.Clone();
        for (int k = 0; k < n; k++)
        {
            if (ternary && (nonzero[k >> 6] >> (k & 63) & 1) == 0) continue;
            expected[k] += (sign[k >> 6] >> (k & 63) & 1) != 0 ? -alpha : alpha;
        }
        float[] actual = (float[])start.Clone();
        PackedRowExpansion.AddScaled(sign, nonzero, alpha, actual);
        Assert.That(actual.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(expected.Select(BitConverter.SingleToInt32Bits)), $"n={n} ternary={ternary}");
    }

    [Test]
    public void ShortWordSpansThrow()
    {
        Assert.Throws<ArgumentException>(() => PackedRowExpansion.AddScaled(new ulong[1], [], 1f, new float[65]));
        Assert.Throws<ArgumentException>(() => PackedRowExpansion.AddScaled(new ulong[2], new ulong[1], 1f, new float[65]));
    }
}
