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
        var reference = new float[6];
        BiAttention.Reference(q, k, v, 3, 2, 1, new ulong[BiAttention.ReferenceScratchWords(3, 2, 1)], reference);
        Assert.That(context, Is.EqualTo(reference), "kernel vs reference");
        // Token 0 selects key 0 only: sign(V0) = (−, +).
        Assert.That(context[..2], Is.EqualTo(new[] { -1f, 1f }));
        // Token 2 = (−,−) selects key 2 (dot 2) only: sign(V2) = (+, −).
        Assert.That(context[4..], Is.EqualTo(new[] { 1f, -1f }));
    }

    /// <summary>The packed-bit kernel equals the scalar reference: word-aligned heads (read in place) and unaligned ones, over threads.</summary>
    [TestCase(1, 64, 1, 1, 1)]
    [TestCase(37, 128, 2, 2, 2)]
    [TestCase(130, 768, 12, 3, 2)]
    [TestCase(70, 40, 4, 4, 1)]
    [TestCase(9, 96, 3, 5, 2)]
    // Odd head widths, long sequences (more than 31 words of selection in the byte counts) and wide heads.
    [TestCase(65, 26, 2, 10, 1)]
    [TestCase(300, 128, 2, 6, 2)]
    [TestCase(512, 252, 1, 8, 2)]
    [TestCase(513, 64, 1, 7, 1)]
    [TestCase(20, 256, 1, 9, 1)]
    public void Kernel_equals_the_scalar_reference(int tokens, int hidden, int heads, int seed, int threads)
    {
        var rng = new Random(seed);
        int words = BiAttention.Words(hidden) * tokens;
        ulong[] Signs()
        {
            var bits = new ulong[words];
            for (int i = 0; i < words; i++) bits[i] = (ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 40);
            // Bits above hidden in each row stay 0, as packing leaves them.
            int stride = BiAttention.Words(hidden);
            if (hidden % 64 != 0) for (int t = 0; t < tokens; t++) bits[t * stride + stride - 1] &= (1UL << (hidden % 64)) - 1;
            return bits;
        }
        ulong[] q = Signs(), k = Signs(), v = Signs();
        var expected = new float[tokens * hidden];
        BiAttention.Reference(q, k, v, tokens, hidden, heads, new ulong[BiAttention.ReferenceScratchWords(tokens, hidden, heads)], expected);
        var actual = new float[tokens * hidden];
        BiAttention.Compute(q, k, v, tokens, hidden, heads, new ulong[BiAttention.ScratchWords(tokens, hidden, heads)], actual, threads);
        Assert.That(actual, Is.EqualTo(expected), $"tokens={tokens} hidden={hidden} heads={heads} seed={seed} threads={threads}");
    }
}
