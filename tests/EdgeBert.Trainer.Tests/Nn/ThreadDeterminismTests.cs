using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Nn;

namespace EdgeBert.Trainer.Tests.Nn;

/// <summary>
/// A layer big enough that every operation takes its multi-threaded path must give bit-identical
/// outputs and gradients with 1 and 4 threads (each value is computed by one thread in a fixed order).
/// </summary>
[TestFixture]
public sealed class ThreadDeterminismTests
{
    [Test]
    public void OneAndFourThreadsGiveIdenticalBits()
    {
        int saved = TrainerThreads.Count;
        try
        {
            (float[] Out, float[][] Grads) Run(int threads)
            {
                TrainerThreads.Count = threads;
                // B 4, L 64, H 128, 4 heads, FFN 256 (seed 31): above every parallel threshold.
                var rng = new Random(31);
                var layer = new BertLayer(128, 4, 256, rng, 0.1f, 0.1f);
                int[] keep = Enumerable.Range(0, 4 * 64).Select(i => i % 64 < 64 - 9 * (i / 64) ? 1 : 0).ToArray();
                Tensor x = Tensor.RandomNormal([4, 64, 128], rng, requiresGrad: true);
                Tensor output = layer.Forward(x, AttentionMask.FromPadding(keep, 4, 64)).Hidden;
                Tensor loss = Ops.Add(Ops.Mse(output, Tensor.Zeros([4, 64, 128])), Ops.CrossEntropy(Ops.Reshape(output, -1, 128), Enumerable.Range(0, 256).Select(i => i % 128).ToArray()));
                loss.Backward();
                return (output.Data, layer.Parameters().Select(p => p.Grad!).Append(x.Grad!).ToArray());
            }

            var one = Run(1);
            var four = Run(4);
            Assert.That(four.Out, Is.EqualTo(one.Out), "BertLayer B4 L64 H128 seed 31: output, threads 1 vs 4");
            for (int i = 0; i < one.Grads.Length; i++)
            {
                Assert.That(four.Grads[i], Is.EqualTo(one.Grads[i]), $"BertLayer B4 L64 H128 seed 31: gradient {i}, threads 1 vs 4");
            }
        }
        finally
        {
            TrainerThreads.Count = saved;
        }
    }
}
