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
    public void WeightTablePanelsHoldTheSameBits()
    {
        var rng = new Random(7);
        const int n = 70, k = 100;
        float[] w = PackingTestData.Floats(rng, n * k);
        var weights = PackedBinaryWeights.FromFloat(new CommunityToolkit.HighPerformance.ReadOnlySpan2D<float>(w, n, k), [1f]);
        byte[] panels = weights.XorTablePanels;
        int sextets = SextetLayout.SextetsPerRow(k);
        Assert.That(panels, Has.Length.EqualTo(2 * sextets * 64), "two panels of 64 outputs");
        for (int row = 0; row < 128; row++)
        {
            for (int j = 0; j < sextets * 6; j++)
            {
                byte sextet = panels[(row / 64 * sextets + j / 6) * 64 + row % 64];
                Assert.That(sextet >> 6, Is.Zero, $"[{row}, sextet {j / 6}]: bits 6-7 set");
                bool negative = ((sextet >> (j % 6)) & 1) != 0;
                Assert.That(negative, Is.EqualTo(row < n && j < k && weights.IsNegative(row, j)), $"[{row}, {j}]");
            }
        }
        Assert.That(weights.XorTablePanels, Is.SameAs(panels), "built once");
    }

    [TestCase(1)]
    [TestCase(47)]
    [TestCase(200)]
    [TestCase(768)]
    public unsafe void TableOffsetsAreSixtyFourTimesEachSextet(int k)
    {
        var rng = new Random(k);
        var row = new ulong[BinaryLayout.RowStrideWords(k)];
        for (int j = 0; j < k; j++) if (rng.Next(2) == 1) row[j >> 6] |= 1UL << (j & 63);
        var scratch = new ulong[SextetLayout.WordsPerRow(k)];
        var offsets = new ushort[SextetLayout.SextetsPerRow(k)];
        fixed (ulong* src = row)
        fixed (ulong* s = scratch)
        fixed (ushort* dst = offsets)
        {
            SextetLayout.ToTableOffsets(src, k, s, dst);
        }
        for (int i = 0; i < offsets.Length; i++)
        {
            int expected = 0;
            for (int b = 0; b < 6 && i * 6 + b < k; b++) expected |= (int)((row[(i * 6 + b) >> 6] >> ((i * 6 + b) & 63)) & 1) << b;
            Assert.That(offsets[i], Is.EqualTo(expected * 64), $"K={k} sextet {i}");
        }
    }
}
