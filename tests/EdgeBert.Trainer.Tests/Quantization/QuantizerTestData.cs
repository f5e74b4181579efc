using EdgeBert.Trainer.Autograd;

namespace EdgeBert.Trainer.Tests.Quantization;

/// <summary>Seeded random tensors and upstream gradients for the quantizer tests.</summary>
internal static class QuantizerTestData
{
    /// <summary>Weight shapes for the quantizer tests: a single element, odd sizes, a row wider than 32.</summary>
    public static readonly int[][] WeightShapes = [[1, 1], [3, 5], [16, 33], [64, 48]];

    public static Tensor Random(int[] shape, int seed, float std = 1f, bool requiresGrad = true) =>
        Tensor.RandomNormal(shape, new Random(seed), 0f, std, requiresGrad);

    public static float[] Upstream(int length, int seed)
    {
        var rng = new Random(seed + 1000);
        var g = new float[length];
        for (int i = 0; i < g.Length; i++) g[i] = (float)(rng.NextDouble() * 2 - 1);
        return g;
    }

    /// <summary>Runs backward with a random upstream gradient and returns it.</summary>
    public static float[] BackwardRandom(Tensor y, int seed)
    {
        float[] g = Upstream(y.Length, seed);
        y.Backward(g);
        return g;
    }
}
