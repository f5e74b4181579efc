using EdgeBert.Kernels.Integer;
using EdgeBert.Kernels.Packing;
using EdgeBert.Trainer.Quantization;
using EdgeBert.Trainer.Torch.Quantization;
using static EdgeBert.Trainer.Tests.Torch.Quantization.TorchQuantizerTestData;
using static TorchSharp.torch;
using OldTensor = EdgeBert.Trainer.Autograd.Tensor;

namespace EdgeBert.Trainer.Tests.Torch.Quantization;

/// <summary>
/// The TorchSharp activation quantizers against the runtime's kernels (A8 codes and scales, A4
/// codes, scales and zero points, bit for bit) and against the current trainer's autograd ops
/// (forward bit for bit, STE/PACT/LSQ gradients), on rows with zeros, ±0, ±1, ties at rounding
/// boundaries, huge and tiny values.
/// </summary>
[TestFixture]
[Category("Torch")]
public sealed class TorchActivationQuantizerTests
{
    private const int Columns = 24;
    private static readonly int[] s_shape = [2, 5, Columns];

    /// <summary>Rows of edge cases: row 1 all zeros, row 2 ties of the A8 grid (max 127: ±0.5, ±1.5, ...), row 3 ties of the A4 grid (min 0, max 15).</summary>
    private static float[] Rows(int seed, bool extremes)
    {
        float[] x = Values(10 * Columns, seed, 2f, extremes);
        Array.Clear(x, Columns, Columns);
        x[2 * Columns] = 127f;
        for (int c = 1; c < Columns; c++) x[2 * Columns + c] = (c % 2 == 0 ? -1 : 1) * (c + 0.5f);
        x[3 * Columns] = 15f;
        for (int c = 1; c < Columns; c++) x[3 * Columns + c] = (c % 14) + 0.5f;
        return x;
    }

    [Test]
    public void A8SymmetricIsTheRuntimesInt8AndTheCurrentOp([Values(1, 2, 3)] int seed, [Values(true, false)] bool extremes, [Values(float.PositiveInfinity, 2.5f)] float clip)
    {
        float[] x = Rows(seed, extremes);
        float[] q = CompareWithCurrentTrainer(x, s_shape, t => ActivationInt8.Symmetric(t, clip), t => TorchActivationInt8.Symmetric(t, clip), "a8", seed);
        var codes = new sbyte[x.Length];
        var scales = new float[10];
        Int8Quantization.QuantizeSymmetric(x, 10, Columns, Columns, codes, Columns, scales, clip);
        AssertBits(codes.Select((c, i) => scales[i / Columns] * c).ToArray(), q, "a8 vs Core");
    }

    [Test]
    public void A8AsymmetricAndLearnedClipAreTheCurrentOps([Values(1, 2)] int seed, [Values(true, false)] bool extremes)
    {
        float[] x = Rows(seed, extremes);
        CompareWithCurrentTrainer(x, s_shape, ActivationInt8.Asymmetric, TorchActivationInt8.Asymmetric, "a8 asymmetric", seed);

        float[] pair = [-1.5f, 2.5f];
        var oldClip = new OldTensor((float[])pair.Clone(), [2], requiresGrad: true);
        using var clip = Make(pair, [2]);
        CompareWithCurrentTrainer(x, s_shape, t => ActivationInt8.LearnedClip(t, oldClip), t => TorchActivationInt8.LearnedClip(t, clip), "a8 pact", seed);
        Assert.That(Host(clip.grad!)[0], Is.EqualTo(oldClip.Grad![0]).Within(1e-5 * Math.Max(1, Math.Abs(oldClip.Grad[0]))), "c- gradient");
        Assert.That(Host(clip.grad!)[1], Is.EqualTo(oldClip.Grad[1]).Within(1e-5 * Math.Max(1, Math.Abs(oldClip.Grad[1]))), "c+ gradient");
    }

    [Test]
    public void A4MinMaxIsTheRuntimesBitPlaneCodesAndTheCurrentOps([Values(1, 2, 3)] int seed, [Values(true, false)] bool extremes)
    {
        float[] x = Rows(seed, extremes);
        float[] q = CompareWithCurrentTrainer(x, s_shape, ActivationInt4.MinMax, TorchActivationInt4.MinMax, "a4", seed);
        CompareWithCurrentTrainer(x, s_shape, ProgressiveActivation4.Apply, TorchActivationInt4.MinMax, "a4 (progressive)", seed);
        var codes = new byte[Columns];
        var expected = new float[x.Length];
        for (int r = 0; r < 10; r++)
        {
            BitPlanePacking.Quantize(x.AsSpan(r * Columns, Columns), 4, codes, out float scale, out int zeroPoint);
            for (int c = 0; c < Columns; c++) expected[r * Columns + c] = scale * (codes[c] - zeroPoint);
        }
        AssertBits(expected, q, "a4 vs Core");
    }

    [Test]
    public void LsqIsTheCurrentOpWithItsStepGradient([Values(1, 2)] int seed, [Values(true, false)] bool symmetric)
    {
        float[] x = Rows(seed, extremes: false);
        (int qn, int qp) = symmetric ? (-8, 7) : (0, 15);
        float s = 0.37f;
        var oldStep = new OldTensor([s], [1], requiresGrad: true);
        using var step = Make([s], [1]);
        CompareWithCurrentTrainer(x, s_shape, t => LsqActivation.Quantize(t, oldStep, qn, qp, symmetric), t => TorchLsq.Quantize(t, step, qn, qp, offset: !symmetric), "lsq", seed);
        Assert.That(Host(step.grad!)[0], Is.EqualTo(oldStep.Grad![0]).Within(1e-5 * Math.Max(1, Math.Abs(oldStep.Grad[0]))), "step gradient");
    }

    [Test]
    public void SignAndBoolAreTheRuntimesAndTheCurrentOps([Values(1, 2, 3)] int seed, [Values(true, false)] bool extremes)
    {
        float[] x = Rows(seed, extremes);
        float[] sign = CompareWithCurrentTrainer(x, s_shape, SignActivation.Apply, TorchBinaryActivation.Sign, "sign", seed);
        AssertBits(x.Select(v => v < 0f ? -1f : 1f).ToArray(), sign, "sign: −1 iff x < 0 (±0 → +1)");
        float[] b = CompareWithCurrentTrainer(x, s_shape, BoolAttention.Apply, TorchBinaryActivation.Bool, "bool", seed);
        AssertBits(x.Select(v => v > 0f ? 1f : 0f).ToArray(), b, "bool: 1 iff A > 0");
    }

    [Test]
    public void BiAttentionWithPaddingIsTheCurrentOp([Values(1, 2)] int seed)
    {
        int[] shape = [2, 2, 5, 5];
        float[] scores = Values(100, seed, 2f).Select(v => MathF.Round(v * 4) / 4).ToArray(); // multiples of 1/4 like B_Q·B_Kᵀ/√64, many exact zeros
        float[] maskValues = [0, 0, 0, -10000, -10000, 0, 0, 0, 0, 0];
        var oldMask = new OldTensor(maskValues, [2, 1, 1, 5]);
        using var mask = Make(maskValues, [2, 1, 1, 5], requiresGrad: false);
        CompareWithCurrentTrainer(scores, shape, t => BiBertAttention.Apply(t, oldMask), t => TorchBinaryActivation.BiAttention(t, mask), "bi-attention", seed);
    }

    [Test]
    public void BiBertLinearIsTheExactPopcountEpilogue([Values(1, 2)] int seed)
    {
        int[] xShape = [2, 3, 40], wShape = [6, 40];
        float[] x = Values(240, seed).Select(v => v < 0f ? -1f : 1f).ToArray();
        float[] wLatent = Values(240, seed + 7, 0.3f, extremes: false);
        var negative = new bool[240];
        var alpha = new float[6];
        Encoder.Quantization.BinaryQuantizer.BinarizeRows(wLatent, 6, 40, negative, alpha);
        float[] w = negative.Select((n, i) => n ? -alpha[i / 40] : alpha[i / 40]).ToArray();
        float[] bias = Values(6, seed + 9, 0.1f, extremes: false);

        using var scope = NewDisposeScope();
        var oldX = new OldTensor((float[])x.Clone(), xShape, requiresGrad: true);
        var oldW = new OldTensor((float[])w.Clone(), wShape, requiresGrad: true);
        var oldB = new OldTensor((float[])bias.Clone(), [6], requiresGrad: true);
        OldTensor oldY = BiBertLinear.Apply(oldX, oldW, oldB);
        Tensor tx = Make(x, xShape), tw = Make(w, wShape), tb = Make(bias, [6]);
        Tensor y = TorchBiBertLinear.Apply(tx, tw, tb);
        AssertBits(oldY.Data, Host(y), "w1a1 product");

        float[] g = Upstream(oldY.Length, seed);
        oldY.Backward(g);
        (y * Make(g, [2, 3, 6], requiresGrad: false)).sum().backward();
        Assert.That(Host(tx.grad!), Is.EqualTo(oldX.Grad).Within(1e-5), "input gradient");
        Assert.That(Host(tw.grad!), Is.EqualTo(oldW.Grad).Within(1e-5), "weight gradient");
        Assert.That(Host(tb.grad!), Is.EqualTo(oldB.Grad).Within(1e-5), "bias gradient");
    }

    [Test]
    public void NonFiniteActivationsAreRefused()
    {
        using var x = Make([1f, float.PositiveInfinity, 2f], [3]);
        Assert.Throws<ArgumentException>(() => TorchActivationInt8.Symmetric(x));
        Assert.Throws<ArgumentException>(() => TorchActivationInt4.MinMax(x));
        Assert.Throws<ArgumentException>(() => TorchBinaryActivation.Sign(x));
        using var step = Make([0f], [1]);
        using var finite = Make([1f, 2f], [2]);
        Assert.Throws<ArgumentException>(() => TorchLsq.Quantize(finite, step, -8, 7));
    }
}
