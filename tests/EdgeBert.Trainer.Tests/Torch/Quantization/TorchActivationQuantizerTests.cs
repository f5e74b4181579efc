using EdgeBert.Kernels.Integer;
using EdgeBert.Kernels.Packing;
using EdgeBert.Trainer.Torch.Quantization;
using static EdgeBert.Trainer.Tests.Torch.Quantization.TorchQuantizerTestData;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Tests.Torch.Quantization;

/// <summary>
/// The TorchSharp activation quantizers against the runtime's kernels (A8 codes and scales, A4
/// codes, scales and zero points, bit for bit) and their documented straight-through, PACT and
/// LSQ gradients, on rows with zeros, ±0, ±1, ties at rounding boundaries, huge and tiny values.
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
    public void A8SymmetricIsTheRuntimesInt8WithTheClippedSte([Values(1, 2, 3)] int seed, [Values(true, false)] bool extremes, [Values(float.PositiveInfinity, 2.5f)] float clip)
    {
        float[] x = Rows(seed, extremes);
        (float[] q, float[] grad, float[] g) = Run(x, s_shape, t => TorchActivationInt8.Symmetric(t, clip), seed);
        var codes = new sbyte[x.Length];
        var scales = new float[10];
        Int8Quantization.QuantizeSymmetric(x, 10, Columns, Columns, codes, Columns, scales, clip);
        AssertBits(codes.Select((c, i) => scales[i / Columns] * c).ToArray(), q, "a8 vs Core");
        AssertSte(g, grad, i => MathF.Abs(x[i]) <= clip, "a8: STE 1[|x| ≤ c]");
    }

    [Test]
    public void A8AsymmetricIsTheCoreMinMaxInt8_AndLearnedClipHasPactGradients([Values(1, 2)] int seed, [Values(true, false)] bool extremes)
    {
        float[] x = Rows(seed, extremes);
        (float[] q, float[] grad, float[] g) = Run(x, s_shape, TorchActivationInt8.Asymmetric, seed);
        var codes = new sbyte[x.Length];
        var scales = new float[10];
        var zeroPoints = new int[10];
        var expected = new float[x.Length];
        Int8Quantization.QuantizeAsymmetric(x, 10, Columns, Columns, codes, Columns, scales, zeroPoints);
        Int8Quantization.Dequantize(codes, 10, Columns, Columns, scales, zeroPoints, expected, Columns);
        AssertBits(expected, q, "a8 asymmetric vs Core");
        AssertSte(g, grad, _ => true, "a8 asymmetric: identity STE");

        float[] pair = [-1.5f, 2.5f];
        using var clip = Make(pair, [2]);
        (float[] pact, grad, g) = Run(x, s_shape, t => TorchActivationInt8.LearnedClip(t, clip), seed);
        float[] clamped = x.Select(v => Math.Clamp(v, pair[0], pair[1])).ToArray();
        (float[] reference, _, _) = Run(clamped, s_shape, t => TorchActivationInt8.Symmetric(t), seed);
        AssertBits(reference, pact, "pact: symmetric A8 of the clamped input");
        for (int i = 0; i < x.Length; i++)
        {
            if (x[i] == pair[0] || x[i] == pair[1]) continue; // on the border either convention is PACT
            Assert.That(grad[i], Is.EqualTo(x[i] > pair[0] && x[i] < pair[1] ? g[i] : 0f), $"pact: x gradient {i} inside the pair only");
        }
        double below = Enumerable.Range(0, x.Length).Where(i => x[i] < pair[0]).Sum(i => (double)g[i]);
        double above = Enumerable.Range(0, x.Length).Where(i => x[i] > pair[1]).Sum(i => (double)g[i]);
        Assert.That(Host(clip.grad!)[0], Is.EqualTo(below).Within(1e-4 * Math.Max(1, Math.Abs(below))), "c- gradient: Σ g below c-");
        Assert.That(Host(clip.grad!)[1], Is.EqualTo(above).Within(1e-4 * Math.Max(1, Math.Abs(above))), "c+ gradient: Σ g above c+");
    }

    [Test]
    public void A4MinMaxIsTheRuntimesBitPlaneCodesWithTheIdentitySte([Values(1, 2, 3)] int seed, [Values(true, false)] bool extremes)
    {
        float[] x = Rows(seed, extremes);
        (float[] q, float[] grad, float[] g) = Run(x, s_shape, TorchActivationInt4.MinMax, seed);
        var codes = new byte[Columns];
        var expected = new float[x.Length];
        for (int r = 0; r < 10; r++)
        {
            BitPlanePacking.Quantize(x.AsSpan(r * Columns, Columns), 4, codes, out float scale, out int zeroPoint);
            for (int c = 0; c < Columns; c++) expected[r * Columns + c] = scale * (codes[c] - zeroPoint);
        }
        AssertBits(expected, q, "a4 vs Core");
        AssertSte(g, grad, _ => true, "a4: identity STE");
    }

    [Test]
    public void LsqQuantizesOnItsStepWithLsqGradients([Values(1, 2)] int seed, [Values(true, false)] bool symmetric)
    {
        float[] x = Rows(seed, extremes: false);
        (int qn, int qp) = symmetric ? (-8, 7) : (0, 15);
        float s = 0.37f;
        using var step = Make([s], [1]);
        (float[] q, float[] grad, float[] g) = Run(x, s_shape, t => TorchLsq.Quantize(t, step, qn, qp, offset: !symmetric), seed);
        float o = symmetric ? 0f : x.Min();
        double stepGrad = 0;
        for (int i = 0; i < x.Length; i++)
        {
            float v = (x[i] - o) / s;
            float code = Math.Clamp(MathF.Round(v, MidpointRounding.ToEven), qn, qp);
            Assert.That(q[i], Is.EqualTo(s * code + o).Within(1e-6f * Math.Max(1f, Math.Abs(q[i]))), $"lsq value {i}");
            bool inside = v >= qn && v <= qp;
            if (Math.Abs(v - qn) > 1e-4 && Math.Abs(v - qp) > 1e-4) Assert.That(grad[i], Is.EqualTo(inside ? g[i] : 0f), $"lsq: x gradient {i} inside [Qn, Qp] only");
            stepGrad += g[i] * (inside ? Math.Round(v, MidpointRounding.ToEven) - v : v < qn ? qn : qp);
        }
        stepGrad /= Math.Sqrt(x.Length * (double)qp);
        Assert.That(Host(step.grad!)[0], Is.EqualTo(stepGrad).Within(1e-4 * Math.Max(1, Math.Abs(stepGrad))), "step gradient (LSQ, scaled by 1/√(N·Qp))");
    }

    [Test]
    public void SignAndBoolAreTheRuntimesWithTheirStes([Values(1, 2, 3)] int seed, [Values(true, false)] bool extremes)
    {
        float[] x = Rows(seed, extremes);
        (float[] sign, float[] grad, float[] g) = Run(x, s_shape, TorchBinaryActivation.Sign, seed);
        AssertBits(x.Select(v => v < 0f ? -1f : 1f).ToArray(), sign, "sign: −1 iff x < 0 (±0 → +1)");
        AssertSte(g, grad, i => MathF.Abs(x[i]) <= 1f, "sign: STE 1[|x| ≤ 1]");
        (float[] b, grad, g) = Run(x, s_shape, TorchBinaryActivation.Bool, seed);
        AssertBits(x.Select(v => v > 0f ? 1f : 0f).ToArray(), b, "bool: 1 iff A > 0");
        AssertSte(g, grad, i => MathF.Abs(x[i]) < 1f, "bool: STE 1[|A| < 1]");
    }

    [Test]
    public void BiAttentionWithPaddingIsBoolOfTheMaskedScores([Values(1, 2)] int seed)
    {
        int[] shape = [2, 2, 5, 5];
        float[] scores = Values(100, seed, 2f).Select(v => MathF.Round(v * 4) / 4).ToArray(); // multiples of 1/4 like B_Q·B_Kᵀ/√64, many exact zeros
        float[] maskValues = [0, 0, 0, -10000, -10000, 0, 0, 0, 0, 0];
        using var mask = Make(maskValues, [2, 1, 1, 5], requiresGrad: false);
        (float[] weights, float[] grad, float[] g) = Run(scores, shape, t => TorchBinaryActivation.BiAttention(t, mask), seed);
        float Masked(int i) => scores[i] + maskValues[(i / 50) * 5 + i % 5];
        AssertBits(Enumerable.Range(0, 100).Select(i => Masked(i) > 0f ? 1f : 0f).ToArray(), weights, "bi-attention: bool(scores + mask)");
        AssertSte(g, grad, i => MathF.Abs(Masked(i)) < 1f, "bi-attention: STE 1[|A| < 1], none on padding keys");
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
        Tensor tx = Make(x, xShape), tw = Make(w, wShape), tb = Make(bias, [6]);
        Tensor y = TorchBiBertLinear.Apply(tx, tw, tb);
        float[] actual = Host(y);
        // The runtime's popcount epilogue: the ±1 dot product is an exact integer k, then α·k + b in float32.
        for (int r = 0; r < 6; r++)
        {
            for (int o = 0; o < 6; o++)
            {
                int k = Enumerable.Range(0, 40).Sum(c => (x[r * 40 + c] < 0f) == negative[o * 40 + c] ? 1 : -1);
                Assert.That(actual[r * 6 + o], Is.EqualTo(alpha[o] * k + bias[o]).Within(1e-6f * Math.Max(1f, Math.Abs(actual[r * 6 + o]))), $"w1a1 product {r},{o}");
            }
        }

        float[] g = Upstream(36, seed);
        (y * Make(g, [2, 3, 6], requiresGrad: false)).sum().backward();
        float[] dx = Host(tx.grad!), dw = Host(tw.grad!), db = Host(tb.grad!);
        for (int r = 0; r < 6; r++)
        {
            for (int c = 0; c < 40; c++) Assert.That(dx[r * 40 + c], Is.EqualTo(Enumerable.Range(0, 6).Sum(o => (double)g[r * 6 + o] * w[o * 40 + c])).Within(1e-5), "input gradient: g·W");
        }
        for (int o = 0; o < 6; o++)
        {
            for (int c = 0; c < 40; c++) Assert.That(dw[o * 40 + c], Is.EqualTo(Enumerable.Range(0, 6).Sum(r => (double)g[r * 6 + o] * x[r * 40 + c])).Within(1e-5), "weight gradient: gᵀ·x");
            Assert.That(db[o], Is.EqualTo(Enumerable.Range(0, 6).Sum(r => (double)g[r * 6 + o])).Within(1e-5), "bias gradient: Σ g");
        }
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
