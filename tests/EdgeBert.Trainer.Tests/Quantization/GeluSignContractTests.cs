using CommunityToolkit.HighPerformance;
using EdgeBert.Kernels;
using EdgeBert.Kernels.Binary;
using EdgeBert.Kernels.Elementwise;
using EdgeBert.Kernels.Packing;
using EdgeBert.Trainer.Quantization;
using EdgeBert.Trainer.Torch.Quantization;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Tests.Quantization;

/// <summary>
/// The runtime's fused W1A1 FFN writes sign(gelu(y)) from FFN-in's integer dot products without
/// evaluating GELU (<see cref="GeluSign"/>, <see cref="SignThresholds.CreateGelu"/>). The trainer's
/// W1A1 students (BiBERT, progressive W1A1) evaluate the FFN's GELU with the runtime's values
/// (<see cref="TorchRuntimeGelu"/>, installed by their quantizers) and then the A1 sign
/// (<see cref="TorchBinaryActivation.Sign"/>): both must give the same bits, or shipped W1A1 models
/// would lose their 100% parity. LibTorch's own float32 GELU does not: it is 0 below about −5.9.
/// </summary>
[TestFixture]
[Category("Torch")]
public sealed class GeluSignContractTests
{
    [Test]
    public void TrainerGeluIsNegativeExactlyWhereGeluSignSaysSo()
    {
        var inputs = new List<float>();
        uint ceiling = BitConverter.SingleToUInt32Bits(GeluSign.UnderflowCeiling);
        for (uint d = 0; d <= 1 << 16; d++)
        {
            inputs.Add(BitConverter.UInt32BitsToSingle(ceiling - d));
            inputs.Add(BitConverter.UInt32BitsToSingle(ceiling + d));
            inputs.Add(BitConverter.UInt32BitsToSingle(0x80000000u + d)); // −0 and the smallest negatives, subnormals included
            inputs.Add(BitConverter.UInt32BitsToSingle(d));
        }
        var rng = new Random(99);
        for (int i = 0; i < 1 << 16; i++) inputs.Add(BitConverter.UInt32BitsToSingle((uint)rng.NextInt64(0, 1L << 32)));
        float[] x = inputs.Where(v => !float.IsNaN(v)).ToArray();
        float[] g;
        using (var scope = NewDisposeScope()) g = TorchRuntimeGelu.Apply(tensor(x)).data<float>().ToArray();
        for (int i = 0; i < x.Length; i++)
        {
            if (GeluSign.IsNegative(x[i]) != g[i] < 0f)
                Assert.Fail($"trainer gelu({x[i]:R} = 0x{BitConverter.SingleToUInt32Bits(x[i]):X8}) = {g[i]:R}; GeluSign.IsNegative says {GeluSign.IsNegative(x[i])}");
        }
    }

    [Test]
    public void TheW1A1StudentsUseTheRuntimesGelu_AndLibTorchsOwnWouldBreakTheContract()
    {
        var config = new Model.BertConfig { VocabSize = 10, Hidden = 8, Layers = 2, Heads = 2, Ffn = 16, MaxPositions = 8, MaxSequenceLength = 8, Labels = ["a", "b"] };
        using var bibert = new EdgeBert.Trainer.Torch.TorchBertModel(config);
        TorchStudentQuantization.BiBert(bibert);
        Assert.That(bibert.Layers.All(l => l.RuntimeGelu), Is.True, "bibert");
        using var w1a1 = new EdgeBert.Trainer.Torch.TorchBertModel(config);
        TorchStudentQuantization.Progressive(w1a1, ProgressiveSchedule.Targets.First(t => t.ActivationBits == 1));
        Assert.That(w1a1.Layers.All(l => l.RuntimeGelu), Is.True, "progressive w1a1");
        using var w1a8 = new EdgeBert.Trainer.Torch.TorchBertModel(config);
        TorchStudentQuantization.Progressive(w1a8, ProgressiveSchedule.Targets.First(t => t.ActivationBits == 8));
        Assert.That(w1a8.Layers.Any(l => l.RuntimeGelu), Is.False, "A8 keeps LibTorch's GELU");
        // Why: at y = −10 the runtime's GELU is negative (its sign bit is 1), LibTorch's float32 GELU is 0.
        using var scope = NewDisposeScope();
        Assert.That(GeluSign.IsNegative(-10f), Is.True);
        Assert.That(nn.functional.gelu(tensor(new[] { -10f })).data<float>()[0] < 0f, Is.False);
        Assert.That(TorchRuntimeGelu.Apply(tensor(new[] { -10f })).data<float>()[0] < 0f, Is.True);
    }

    [Test]
    public void TheRuntimeGeluTrainsWithLibTorchsGeluGradient()
    {
        using var scope = NewDisposeScope();
        float[] values = [-3f, -0.5f, 0f, 0.7f, 2f];
        Tensor x = tensor(values, requires_grad: true);
        TorchRuntimeGelu.Apply(x).sum().backward();
        Tensor reference = tensor(values, requires_grad: true);
        nn.functional.gelu(reference).sum().backward();
        Assert.That(x.grad!.data<float>().ToArray(), Is.EqualTo(reference.grad!.data<float>().ToArray()));
    }

    [TestCase(9, 40, 64, 1)]
    [TestCase(16, 100, 768, 2)]
    [TestCase(5, 33, 130, 3)]
    public void TrainerFfnSignsEqualTheRuntimesFusedEpilogue(int m, int n, int k, int seed)
    {
        var rng = new Random(seed);
        float[] x = Enumerable.Range(0, m * k).Select(_ => rng.Next(2) == 0 ? -1f : 1f).ToArray();
        float[] signs = Enumerable.Range(0, n * k).Select(_ => rng.Next(2) == 0 ? -1f : 1f).ToArray();
        float[] alpha = Enumerable.Range(0, n).Select(j => (0.05f + rng.NextSingle()) * (j % 3 == 0 ? 1f : 0.01f)).ToArray();
        // Biases around GELU's underflow ceiling and around 0, so dots land on both sides of each end.
        float[] bias = Enumerable.Range(0, n).Select(j => (j % 2 == 0 ? GeluSign.UnderflowCeiling : 0f) + (rng.NextSingle() - 0.5f) * 0.5f).ToArray();
        float[] w = new float[n * k];
        for (int r = 0; r < n; r++) for (int c = 0; c < k; c++) w[r * k + c] = signs[r * k + c] * alpha[r];

        // Trainer: the BiBERT W1A1 product, GELU, then the A1 sign of FFN-out's input.
        float[] y, trainer;
        using (var scope = NewDisposeScope())
        {
            Tensor product = TorchBiBertLinear.Apply(tensor(x, [m, k]), tensor(w, [n, k]), tensor(bias, [n]));
            y = product.data<float>().ToArray();
            trainer = TorchBinaryActivation.Sign(TorchRuntimeGelu.Apply(product)).data<float>().ToArray();
        }

        // Runtime: the fused epilogue on packed bits, every instruction set.
        var packedX = new ulong[BinaryLayout.MatrixWords(m, k)];
        SignPacking.Pack(new ReadOnlySpan2D<float>(x, m, k), packedX);
        var weights = PackedBinaryWeights.FromFloat(new ReadOnlySpan2D<float>(signs, n, k), alpha);
        var thresholds = SignThresholds.CreateGelu(alpha, bias, n, k);
        foreach (var isa in KernelIsaSelector.Supported)
        {
            var fused = new ulong[BinaryLayout.MatrixWords(m, n)];
            BinaryGemm.Create(isa).MultiplySigns(packedX, m, weights, thresholds, fused, 2);
            int stride = BinaryLayout.RowStrideWords(n);
            for (int t = 0; t < m; t++)
            {
                for (int j = 0; j < n; j++)
                {
                    bool runtimeNegative = ((fused[t * stride + (j >> 6)] >> (j & 63)) & 1) != 0;
                    if (runtimeNegative != trainer[t * n + j] < 0f)
                        Assert.Fail($"{isa}: token {t} channel {j}: trainer y = {y[t * n + j]:R}, sign {trainer[t * n + j]}, runtime bit {runtimeNegative} (seed {seed})");
                }
            }
        }
        // Both ends of the band were exercised.
        Assert.That(y.Any(v => v < 0f && v > GeluSign.UnderflowCeiling) && y.Any(v => v <= GeluSign.UnderflowCeiling), Is.True, "y covers both sides of the ceiling");
    }
}
