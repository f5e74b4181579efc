using static TorchSharp.torch;

namespace EdgeBert.Trainer.Tests.Torch.Quantization;

/// <summary>
/// Inputs with edge cases for the TorchSharp quantizer tests, a forward/backward run with a seeded
/// upstream gradient, and the checks of bit patterns and straight-through gradients.
/// </summary>
internal static class TorchQuantizerTestData
{
    /// <summary>
    /// Normal values (std <paramref name="std"/>) with edge cases at fixed places: +0, −0, ±1 (STE
    /// borders), and, when <paramref name="extremes"/>, ±1e30 and ±1e−30.
    /// </summary>
    public static float[] Values(int length, int seed, float std = 1f, bool extremes = true)
    {
        var rng = new Random(seed);
        var x = new float[length];
        for (int i = 0; i < length; i++) x[i] = std * (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        float[] edges = extremes ? [0f, -0f, 1f, -1f, 1e30f, -1e-30f, 1e-30f, -1e30f] : [0f, -0f, 1f, -1f];
        for (int e = 0; e < edges.Length && 3 * e < length; e++) x[3 * e] = edges[e];
        return x;
    }

    /// <summary>A tensor of <paramref name="values"/> in <paramref name="shape"/>.</summary>
    public static Tensor Make(float[] values, int[] shape, bool requiresGrad = true) =>
        tensor(values, shape.Select(d => (long)d).ToArray(), requires_grad: requiresGrad);

    /// <summary>The values of a tensor on the host.</summary>
    public static float[] Host(Tensor t) => t.detach().cpu().contiguous().data<float>().ToArray();

    /// <summary>Asserts identical float bit patterns (so −0 ≠ +0 and every ulp counts).</summary>
    public static void AssertBits(float[] expected, float[] actual, string what)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length), what);
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{what}: element {i} is {actual[i]:R}, expected {expected[i]:R}");
        }
    }

    /// <summary>
    /// Runs <paramref name="torchOp"/> on <paramref name="values"/> and back-propagates a seeded random
    /// upstream gradient: the forward values, the input gradient (zeros where none flowed) and the upstream gradient.
    /// </summary>
    public static (float[] Forward, float[] Gradient, float[] Upstream) Run(float[] values, int[] shape, Func<Tensor, Tensor> torchOp, int seed)
    {
        using var scope = NewDisposeScope();
        Tensor x = Make(values, shape);
        Tensor y = torchOp(x);
        float[] forward = Host(y);
        float[] g = Upstream(forward.Length, seed);
        (y * Make(g, y.shape.Select(d => (int)d).ToArray(), requiresGrad: false)).sum().backward();
        return (forward, x.grad is null ? new float[values.Length] : Host(x.grad), g);
    }

    /// <summary>Asserts a straight-through gradient: the upstream gradient where <paramref name="passes"/>, 0 elsewhere (value equality, so ±0 agree).</summary>
    public static void AssertSte(float[] upstream, float[] gradient, Func<int, bool> passes, string what)
    {
        Assert.That(gradient, Has.Length.EqualTo(upstream.Length), what);
        for (int i = 0; i < gradient.Length; i++)
        {
            float expected = passes(i) ? upstream[i] : 0f;
            if (gradient[i] != expected) Assert.Fail($"{what}: gradient {i} is {gradient[i]:R}, expected {expected:R}");
        }
    }

    /// <summary>A seeded upstream gradient in [−1, 1).</summary>
    public static float[] Upstream(int length, int seed)
    {
        var rng = new Random(seed + 1000);
        return Enumerable.Range(0, length).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
    }
}
