using EdgeBert.Encoder;

namespace EdgeBert.Core.Tests.Model;

[Category("Kernels")]
public class BiAttentionTests
{
    [Test]
    public void Extract_moves_any_bit_range_to_bit_zero()
    {
        var random = new Random(7);
        ulong[] row = [((ulong)random.NextInt64()) ^ 0xF0F0UL, (ulong)random.NextInt64(), (ulong)random.NextInt64()];
        foreach (int first in new[] { 0, 5, 63, 64, 100 })
        {
            foreach (int count in new[] { 1, 7, 64, 70 })
            {
                if (first + count > 192) continue;
                var destination = new ulong[(count + 63) / 64];
                BiAttention.Extract(row, first, count, destination);
                for (int i = 0; i < destination.Length * 64; i++)
                {
                    bool expected = i < count && BiAttention.Bit(row, first + i);
                    Assert.That(BiAttention.Bit(destination, i), Is.EqualTo(expected), $"first {first}, count {count}, bit {i}");
                }
            }
        }
    }

    [Test]
    public void Scores_of_exactly_zero_select_nothing_and_context_is_an_unnormalised_count()
    {
        // One head of 2 dims, 3 tokens. q0 = (+,+); k0 = (+,+) → 2 > 0; k1 = (+,−) → 0 (not selected); k2 = (−,−) → −2.
        // Bit 1 = negative; rows are one word each (hidden 2).
        ulong[] q = [0b00, 0b00, 0b11];
        ulong[] k = [0b00, 0b10, 0b11];
        ulong[] v = [0b01, 0b00, 0b10];
        var context = new float[6];
        var scratch = new ulong[BiAttention.ScratchWords(3, 2, 1)];
        BiAttention.Compute(q, k, v, 3, 2, 1, scratch, context);
        // Token 0 selects key 0 only: sign(V0) = (−, +).
        Assert.That(context[..2], Is.EqualTo(new[] { -1f, 1f }));
        // Token 2 = (−,−) selects key 2 (dot 2) only: sign(V2) = (+, −).
        Assert.That(context[4..], Is.EqualTo(new[] { 1f, -1f }));
    }
}
