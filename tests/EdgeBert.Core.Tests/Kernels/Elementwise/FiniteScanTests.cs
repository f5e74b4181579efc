using EdgeBert.Kernels.Elementwise;

namespace EdgeBert.Core.Tests.Kernels.Elementwise;

[Category("Kernels")]
public class FiniteScanTests
{
    private static readonly float[] s_nonFinite = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, BitConverter.Int32BitsToSingle(0x7FC0_1234), BitConverter.Int32BitsToSingle(unchecked((int)0xFF80_0001))];

    // Largest, smallest normal, subnormal, -0: all finite, and each has many exponent bits set.
    private static readonly float[] s_edgeFinite = [float.MaxValue, float.MinValue, 1.17549435e-38f, float.Epsilon, -0f, 1f];

    [Test]
    public void Finds_the_first_non_finite_value_at_every_position_and_length()
    {
        var random = new Random(5);
        for (int length = 1; length <= 150; length++)
        {
            var values = Enumerable.Range(0, length).Select(i => s_edgeFinite[random.Next(s_edgeFinite.Length)]).ToArray();
            Assert.That(FiniteScan.IndexOfNonFinite(values), Is.EqualTo(-1), $"length {length}");
            for (int at = 0; at < length; at++)
            {
                var copy = (float[])values.Clone();
                copy[at] = s_nonFinite[random.Next(s_nonFinite.Length)];
                if (at + 1 < length) copy[random.Next(at + 1, length)] = float.NaN; // a later one must not win
                Assert.That(FiniteScan.IndexOfNonFinite(copy), Is.EqualTo(at), $"length {length}, value {copy[at]} at {at}");
            }
        }
        Assert.That(FiniteScan.IndexOfNonFinite(ReadOnlySpan<float>.Empty), Is.EqualTo(-1));
    }

    [Test]
    public void Half_values_are_scanned_alike()
    {
        Half[] edge = [Half.MaxValue, Half.MinValue, Half.Epsilon, Half.NegativeZero, (Half)1];
        Half[] bad = [Half.NaN, Half.PositiveInfinity, Half.NegativeInfinity];
        for (int length = 1; length <= 200; length += 7)
        {
            var values = Enumerable.Range(0, length).Select(i => edge[i % edge.Length]).ToArray();
            Assert.That(FiniteScan.IndexOfNonFinite(values), Is.EqualTo(-1), $"length {length}");
            for (int at = 0; at < length; at++)
            {
                var copy = (Half[])values.Clone();
                copy[at] = bad[at % bad.Length];
                Assert.That(FiniteScan.IndexOfNonFinite(copy), Is.EqualTo(at), $"length {length}, at {at}");
            }
        }
    }
}
