using static TorchSharp.torch;
using OldTensor = EdgeBert.Trainer.Autograd.Tensor;

namespace EdgeBert.Trainer.Tests.Torch.Quantization;

/// <summary>
/// Inputs with edge cases for the TorchSharp quantizer tests, and the comparison of a TorchSharp
/// quantizer with the current trainer's autograd op on the same values: forward bit for bit,
/// gradients for the same random upstream gradient.
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
    /// Runs the current trainer's op and the TorchSharp one on <paramref name="values"/>: the forward
    /// values must be equal bit for bit and the input gradients for one random upstream gradient
    /// equal (value equality: a blocked gradient may be +0 or −0) within <paramref name="gradTolerance"/>.
    /// Returns the TorchSharp forward values.
    /// </summary>
    public static float[] CompareWithCurrentTrainer(float[] values, int[] shape, Func<OldTensor, OldTensor> current, Func<Tensor, Tensor> torchOp, string what, int seed, double gradTolerance = 0)
    {
        using var scope = NewDisposeScope();
        var old = new OldTensor((float[])values.Clone(), shape, requiresGrad: true);
        OldTensor oldY = current(old);
        Tensor x = Make(values, shape);
        Tensor y = torchOp(x);
        float[] forward = Host(y);
        AssertBits(oldY.Data, forward, what + " forward");

        float[] g = Upstream(oldY.Length, seed);
        oldY.Backward(g);
        (y * Make(g, y.shape.Select(d => (int)d).ToArray(), requiresGrad: false)).sum().backward();
        float[] oldGrad = old.Grad ?? new float[values.Length];
        float[] grad = x.grad is null ? new float[values.Length] : Host(x.grad);
        for (int i = 0; i < grad.Length; i++)
        {
            Assert.That(grad[i], Is.EqualTo(oldGrad[i]).Within(gradTolerance * Math.Max(1, Math.Abs(oldGrad[i]))), $"{what} gradient {i}");
        }
        return forward;
    }

    /// <summary>A seeded upstream gradient in [−1, 1).</summary>
    public static float[] Upstream(int length, int seed)
    {
        var rng = new Random(seed + 1000);
        return Enumerable.Range(0, length).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
    }
}
