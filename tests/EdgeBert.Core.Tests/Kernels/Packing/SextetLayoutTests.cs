using EdgeBert.Kernels.Packing;

namespace EdgeBert.Core.Tests.Kernels.Packing;

[Category("Kernels")]
public class SextetLayoutTests
{
    [TestCase(1, 1)]
    [TestCase(47, 1)]
    [TestCase(48, 1)]
    [TestCase(49, 2)]
    [TestCase(768, 16)]
    [TestCase(3072, 64)]
    [TestCase(3073, 65)]
    public void WordsPerRow(int k, int words) => Assert.That(SextetLayout.WordsPerRow(k), Is.EqualTo(words), $"K={k}");

    /// <summary>Bit k of a canonical row lands in sextet word k / 48, byte (k % 48) / 6, bit k % 6; every other bit is 0.</summary>
    [TestCase(1)]
    [TestCase(47)]
    [TestCase(48)]
    [TestCase(49)]
    [TestCase(63)]
    [TestCase(64)]
    [TestCase(65)]
    [TestCase(191)]
    [TestCase(192)]
    [TestCase(768)]
    [TestCase(2017)]
    public unsafe void EveryBitLandsInItsSextet(int k)
    {
        var rng = new Random(k);
        var canonical = new ulong[BinaryLayout.WordsPerRow(k)];
        var bits = new bool[k];
        for (int i = 0; i < k; i++)
        {
            bits[i] = rng.Next(2) == 1;
            if (bits[i]) canonical[i >> 6] |= 1UL << (i & 63);
        }
        int words = SextetLayout.WordsPerRow(k);
        var sextets = new ulong[words + 1];
        sextets[words] = 0xDEAD_BEEF; // a guard word the conversion must not touch
        fixed (ulong* src = canonical)
        fixed (ulong* dst = sextets)
        {
            SextetLayout.FromCanonical(src, k, dst);
        }
        for (int w = 0; w < words; w++)
        {
            for (int bit = 0; bit < 64; bit++)
            {
                int byteIndex = bit / 8, inByte = bit % 8, value = w * 48 + byteIndex * 6 + inByte;
                bool expected = inByte < 6 && value < k && bits[value];
                bool actual = ((sextets[w] >> bit) & 1) != 0;
                Assert.That(actual, Is.EqualTo(expected), $"K={k}: sextet word {w} bit {bit} (value {value})");
            }
        }
        Assert.That(sextets[words], Is.EqualTo(0xDEAD_BEEFUL), "wrote past the row");
    }

    [Test]
    public void SpreadWithAndWithoutBmi2Agree()
    {
        var rng = new Random(48);
        ulong[] values = [0, ulong.MaxValue, 0x0000_FFFF_FFFF_FFFF, 0xFFFF_0000_0000_0000, 1, 1UL << 47];
        foreach (ulong v in values.Concat(Enumerable.Range(0, 1000).Select(_ => (ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 40))))
        {
            ulong portable = SextetLayout.SpreadPortable(v);
            Assert.That(SextetLayout.Spread(v), Is.EqualTo(portable), $"0x{v:X16}");
            Assert.That(portable & 0xC0C0_C0C0_C0C0_C0C0UL, Is.Zero, $"0x{v:X16}: bits 6-7 of a byte set");
        }
    }

    [Test]
    public void WeightSextetPanelsHoldTheSameBits()
    {
        var rng = new Random(7);
        const int n = 13, k = 100;
        float[] w = PackingTestData.Floats(rng, n * k);
        var weights = PackedBinaryWeights.FromFloat(new CommunityToolkit.HighPerformance.ReadOnlySpan2D<float>(w, n, k), [1f]);
        ulong[] panels = weights.SextetPanelWords;
        int words = SextetLayout.WordsPerRow(k);
        Assert.That(panels, Has.Length.EqualTo(weights.PanelCount * words * BinaryLayout.PanelRows));
        for (int row = 0; row < weights.PanelCount * BinaryLayout.PanelRows; row++)
        {
            for (int j = 0; j < k; j++)
            {
                ulong word = panels[(row / 8 * words + j / 48) * 8 + row % 8];
                bool negative = ((word >> (j % 48 / 6 * 8 + j % 6)) & 1) != 0;
                Assert.That(negative, Is.EqualTo(row < n && weights.IsNegative(row, j)), $"[{row}, {j}]");
            }
        }
        Assert.That(weights.SextetPanelWords, Is.SameAs(panels), "built once");
    }
}
