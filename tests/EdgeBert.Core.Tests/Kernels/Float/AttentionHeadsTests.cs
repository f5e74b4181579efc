using EdgeBert.Kernels;
using EdgeBert.Core.Tests.Model;
using EdgeBert.Kernels.Float;

namespace EdgeBert.Core.Tests.Kernels.Float;

[Category("Kernels")]
public class AttentionHeadsTests
{
    [TestCase(1, 3, 4, 1)]
    [TestCase(13, 4, 8, 2)]
    [TestCase(37, 5, 16, 3)]
    [TestCase(128, 12, 64, 2)]
    public void MatchesFloat64AttentionAndIsTheSameOnAnyThreadCount(int tokens, int heads, int headSize, int threads)
    {
        int width = heads * headSize;
        var rng = new Random(tokens * 31 + heads);
        float[] q = SgemmTests.Values(rng, tokens * width), k = SgemmTests.Values(rng, tokens * width), v = SgemmTests.Values(rng, tokens * width);
        double[] exact = ReferenceEncoder.SoftmaxAttention(q, k, v, tokens, heads, headSize);
        foreach (var isa in KernelIsaSelector.Supported)
        {
            var sgemm = Sgemm.Create(isa);
            float[] one = Run(sgemm, q, k, v, tokens, heads, headSize, 1);
            float[] many = Run(sgemm, q, k, v, tokens, heads, headSize, threads);
            Assert.That(many, Is.EqualTo(one), $"{isa}: {threads} threads vs 1");
            for (int i = 0; i < one.Length; i++)
            {
                // Softmax weights sum to 1 and |v| ≤ 1: the error is a few float ulps of the scores' sum.
                Assert.That(one[i], Is.EqualTo(exact[i]).Within(1e-5), $"{isa} context[{i}] tokens={tokens} heads={heads} d={headSize}");
            }
        }
    }

    [Test]
    public void ShortBuffersAreClearErrors()
    {
        var sgemm = Sgemm.Active;
        var ex = Assert.Throws<ArgumentException>(() =>
            AttentionHeads.Compute(sgemm, new float[8], new float[8], new float[8], 2, 4, 2, 2, new float[3], new float[8], 1));
        Assert.That(ex!.Message, Does.Contain("scores"));
        Assert.Throws<ArgumentException>(() =>
            AttentionHeads.Compute(sgemm, new float[7], new float[8], new float[8], 2, 4, 2, 2, new float[4], new float[8], 1));
    }

    private static float[] Run(SgemmKernel sgemm, float[] q, float[] k, float[] v, int tokens, int heads, int headSize, int threads)
    {
        var context = new float[q.Length];
        AttentionHeads.Compute(sgemm, q, k, v, tokens, heads * headSize, heads, headSize, new float[tokens * tokens], context, threads);
        return context;
    }
}
