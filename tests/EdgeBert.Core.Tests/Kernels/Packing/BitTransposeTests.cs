using EdgeBert.Kernels.Packing;

namespace EdgeBert.Core.Tests.Kernels.Packing;

[Category("Kernels")]
public unsafe class BitTransposeTests
{
    /// <summary>Every element (i, j) lands at (j, i), for random, empty, full and single-bit matrices; twice is the identity.</summary>
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void Transpose64MovesEveryBitToItsMirrorPosition(int seed)
    {
        var rng = new Random(seed);
        var cases = new List<ulong[]>
        {
            Enumerable.Range(0, 64).Select(_ => (ulong)rng.NextInt64() ^ ((ulong)rng.Next() << 40)).ToArray(),
            new ulong[64],
            Enumerable.Repeat(ulong.MaxValue, 64).ToArray(),
        };
        int i0 = rng.Next(64), j0 = rng.Next(64);
        var single = new ulong[64];
        single[i0] = 1UL << j0;
        cases.Add(single);
        foreach (ulong[] matrix in cases)
        {
            ulong[] t = (ulong[])matrix.Clone();
            fixed (ulong* p = t) BitTranspose.Transpose64(p);
            for (int i = 0; i < 64; i++)
            {
                for (int j = 0; j < 64; j++)
                {
                    Assert.That((t[j] >> i) & 1, Is.EqualTo((matrix[i] >> j) & 1), $"element ({i}, {j}), seed {seed}");
                }
            }
            fixed (ulong* p = t) BitTranspose.Transpose64(p);
            Assert.That(t, Is.EqualTo(matrix));
        }
    }
}
