using CommunityToolkit.HighPerformance;
using EdgeBert.Kernels;
using EdgeBert.Kernels.Binary;
using EdgeBert.Kernels.Elementwise;
using EdgeBert.Kernels.Packing;
using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Quantization;
using Tensor = EdgeBert.Trainer.Autograd.Tensor;

namespace EdgeBert.Trainer.Tests.Quantization;

/// <summary>
/// The runtime's fused W1A1 FFN writes sign(gelu(y)) from FFN-in's integer dot products without
/// evaluating GELU (<see cref="GeluSign"/>, <see cref="SignThresholds.CreateGelu"/>). The trainer's
/// BiBERT student evaluates Ops.Gelu and then SignActivation: both must give the same bits, or
/// shipped W1A1 models would lose their 100% parity.
/// </summary>
[TestFixture]
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
        float[] g = Ops.Gelu(new Tensor(x, [x.Length])).Data;
        for (int i = 0; i < x.Length; i++)
        {
            if (GeluSign.IsNegative(x[i]) != g[i] < 0f)
                Assert.Fail($"trainer gelu({x[i]:R} = 0x{BitConverter.SingleToUInt32Bits(x[i]):X8}) = {g[i]:R}; GeluSign.IsNegative says {GeluSign.IsNegative(x[i])}");
        }
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
        Tensor y = BiBertLinear.Apply(new Tensor(x, [m, k]), new Tensor(w, [n, k]), new Tensor(bias, [n]));
        float[] trainer = SignActivation.Apply(Ops.Gelu(y)).Data;

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
                        Assert.Fail($"{isa}: token {t} channel {j}: trainer y = {y.Data[t * n + j]:R}, sign {trainer[t * n + j]}, runtime bit {runtimeNegative} (seed {seed})");
                }
            }
        }
        // Both ends of the band were exercised.
        Assert.That(y.Data.Any(v => v < 0f && v > GeluSign.UnderflowCeiling) && y.Data.Any(v => v <= GeluSign.UnderflowCeiling), Is.True, "y covers both sides of the ceiling");
    }
}
