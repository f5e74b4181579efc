using EdgeBert.Kernels.Integer;
using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Quantization;
using static EdgeBert.Trainer.Tests.Quantization.QuantizerTestData;

namespace EdgeBert.Trainer.Tests.Quantization;

/// <summary>Activation quantizers: forward against the runtime's kernels, STE/PACT/LSQ backward against their definitions.</summary>
[TestFixture]
public sealed class ActivationQuantizerTests
{
    [Test]
    public void A8SymmetricIsRuntimePerTokenInt8BitForBit([Values(1, 2, 3)] int seed)
    {
        Tensor x = Random([2, 5, 24], seed, 2f);
        Array.Clear(x.Data, 24, 24); // a zero token gets scale 0
        Tensor q = ActivationInt8.Symmetric(x);
        var codes = new sbyte[x.Length];
        var scales = new float[10];
        Int8Quantization.QuantizeSymmetric(x.Data, 10, 24, 24, codes, 24, scales);
        for (int i = 0; i < x.Length; i++) Assert.That(q.Data[i], Is.EqualTo(scales[i / 24] * codes[i]), $"seed {seed} index {i}");
        Assert.That(q.Data.Skip(24).Take(24), Is.All.EqualTo(0f));

        float[] g = BackwardRandom(q, seed);
        Assert.That(x.Grad, Is.EqualTo(g), "without a clip the STE is the identity");
    }

    [Test]
    public void A8SymmetricClipBlocksGradientsOutsideTheClip([Values(4, 5)] int seed)
    {
        Tensor x = Random([6, 16], seed, 2f);
        Tensor q = ActivationInt8.Symmetric(x, ActivationInt8.DefaultClip);
        var codes = new sbyte[x.Length];
        var scales = new float[6];
        Int8Quantization.QuantizeSymmetric(x.Data, 6, 16, 16, codes, 16, scales, ActivationInt8.DefaultClip);
        for (int i = 0; i < x.Length; i++) Assert.That(q.Data[i], Is.EqualTo(scales[i / 16] * codes[i]), $"seed {seed} index {i}");
        float[] g = BackwardRandom(q, seed);
        int clipped = 0;
        for (int i = 0; i < x.Length; i++)
        {
            bool inside = MathF.Abs(x.Data[i]) <= 2.5f;
            if (!inside) clipped++;
            Assert.That(x.Grad![i], Is.EqualTo(inside ? g[i] : 0f), $"seed {seed} index {i} x {x.Data[i]}");
        }
        Assert.That(clipped, Is.GreaterThan(0), $"seed {seed}: std 2 should put some values beyond ±2.5");
    }

    [Test]
    public void A8AsymmetricIsCoreMinMaxInt8([Values(6, 7)] int seed)
    {
        Tensor x = Random([4, 20], seed);
        for (int i = 0; i < 20; i++) x.Data[i] = MathF.Abs(x.Data[i]) - 0.2f; // skewed token
        Tensor q = ActivationInt8.Asymmetric(x);
        var codes = new sbyte[x.Length];
        var scales = new float[4];
        var zp = new int[4];
        Int8Quantization.QuantizeAsymmetric(x.Data, 4, 20, 20, codes, 20, scales, zp);
        var expected = new float[x.Length];
        Int8Quantization.Dequantize(codes, 4, 20, 20, scales, zp, expected, 20);
        Assert.That(q.Data, Is.EqualTo(expected), $"seed {seed}");
        for (int i = 0; i < x.Length; i++) Assert.That(q.Data[i], Is.EqualTo(x.Data[i]).Within(scales[i / 20]), $"seed {seed} index {i}: within one step");
        float[] g = BackwardRandom(q, seed);
        Assert.That(x.Grad, Is.EqualTo(g));
    }

    [Test]
    public void PactClipGradientIsSumOfUpstreamGradsOfClippedElements([Values(8, 9)] int seed)
    {
        Tensor x = Random([5, 12], seed, 2f);
        var clip = new Tensor([-1.5f, 2f], [2], requiresGrad: true);
        Tensor q = ActivationInt8.LearnedClip(x, clip);
        float[] clamped = x.Data.Select(v => Math.Clamp(v, -1.5f, 2f)).ToArray();
        var codes = new sbyte[x.Length];
        var scales = new float[5];
        Int8Quantization.QuantizeSymmetric(clamped, 5, 12, 12, codes, 12, scales);
        for (int i = 0; i < x.Length; i++) Assert.That(q.Data[i], Is.EqualTo(scales[i / 12] * codes[i]), $"seed {seed} index {i}");

        float[] g = BackwardRandom(q, seed);
        double below = 0, above = 0;
        for (int i = 0; i < x.Length; i++)
        {
            float v = x.Data[i];
            if (v < -1.5f) below += g[i];
            else if (v > 2f) above += g[i];
            Assert.That(x.Grad![i], Is.EqualTo(v < -1.5f || v > 2f ? 0f : g[i]), $"seed {seed} index {i}");
        }
        Assert.That(below, Is.Not.EqualTo(0.0), $"seed {seed}: some values should be below c-");
        Assert.That(above, Is.Not.EqualTo(0.0), $"seed {seed}: some values should be above c+");
        Assert.That(clip.Grad![0], Is.EqualTo((float)below).Within(1e-5), $"seed {seed} c-");
        Assert.That(clip.Grad![1], Is.EqualTo((float)above).Within(1e-5), $"seed {seed} c+");
    }

    [Test]
    public void LsqForwardAndGradientsFollowThePaper([Values(true, false)] bool symmetric, [Values(10, 11)] int seed)
    {
        Tensor x = Random([4, 25], seed);
        int qn = symmetric ? -8 : 0, qp = symmetric ? 7 : 15;
        const float s = 0.15f; // small enough that some values saturate on both sides (symmetric) or the top
        var step = new Tensor([s], [1], requiresGrad: true);
        Tensor q = LsqActivation.Quantize(x, step, qn, qp, symmetric);
        float offset = symmetric ? 0f : x.Data.Min();
        float[] g = BackwardRandom(q, seed);
        double stepGrad = 0;
        int saturated = 0;
        for (int i = 0; i < x.Length; i++)
        {
            float v = (x.Data[i] - offset) / s;
            float code = Math.Clamp(MathF.Round(v), qn, qp);
            Assert.That(q.Data[i], Is.EqualTo(s * code + offset), $"symmetric {symmetric} seed {seed} index {i}");
            bool inside = v >= qn && v <= qp;
            if (!inside) saturated++;
            Assert.That(x.Grad![i], Is.EqualTo(inside ? g[i] : 0f), $"symmetric {symmetric} seed {seed} index {i}");
            // LSQ (Esser et al. 2020, eq. 3): ∂x̂/∂s = −v + round(v) inside, Qn below, Qp above.
            stepGrad += g[i] * (v < qn ? qn : v > qp ? qp : -v + Math.Round(v));
        }
        stepGrad /= Math.Sqrt(x.Length * (double)qp);
        Assert.That(saturated, Is.GreaterThan(0), $"symmetric {symmetric} seed {seed}: the step should saturate some values");
        Assert.That(step.Grad![0], Is.EqualTo(stepGrad).Within(1e-5), $"symmetric {symmetric} seed {seed}");
    }

    [Test]
    public void LsqInitialisesTheStepAtTheFirstForward([Values(true, false)] bool symmetric)
    {
        Tensor x = Random([3, 10], 12);
        var lsq = new LsqActivation(symmetric);
        lsq.Forward(x);
        double meanAbs = x.Data.Select(v => (double)Math.Abs(v)).Average();
        Assert.That(lsq.Step.Data[0], Is.EqualTo((symmetric ? 2 : 4) * meanAbs / Math.Sqrt(lsq.Qp)).Within(1e-5));
        lsq.Step.Data[0] = 0.3f;
        lsq.Forward(x);
        Assert.That(lsq.Step.Data[0], Is.EqualTo(0.3f), "only the first forward initialises");
    }

    [Test]
    public void SignIsRuntimeA1WithClippedIdentityGradient([Values(13, 14)] int seed)
    {
        Tensor x = Random([3, 40], seed, 1.5f);
        x.Data[0] = 0f;
        x.Data[1] = -0f;
        x.Data[2] = 1f;
        Tensor q = SignActivation.Apply(x);
        for (int i = 0; i < x.Length; i++)
        {
            // The runtime's A1 bit: 1 only when x < 0 (BinaryLayout), so 0 and −0 are +1.
            Assert.That(q.Data[i], Is.EqualTo(x.Data[i] < 0f ? -1f : 1f), $"seed {seed} index {i}");
        }
        float[] g = BackwardRandom(q, seed);
        for (int i = 0; i < x.Length; i++) Assert.That(x.Grad![i], Is.EqualTo(MathF.Abs(x.Data[i]) <= 1f ? g[i] : 0f), $"seed {seed} index {i}");
        Assert.That(x.Grad![2], Is.EqualTo(g[2]), "|x| = 1 is inside the STE window");
    }

    [Test]
    public void BoolIsStrictlyPositiveWithNarrowGradientWindow([Values(15, 16)] int seed)
    {
        Tensor a = Random([2, 2, 6, 6], seed, 2f);
        a.Data[0] = 0f;
        a.Data[1] = 1f;
        Tensor b = BoolAttention.Apply(a);
        for (int i = 0; i < a.Length; i++) Assert.That(b.Data[i], Is.EqualTo(a.Data[i] > 0f ? 1f : 0f), $"seed {seed} index {i}");
        Assert.That(b.Data[0], Is.EqualTo(0f), "A = 0 gives 0, as the runtime");
        float[] g = BackwardRandom(b, seed);
        for (int i = 0; i < a.Length; i++) Assert.That(a.Grad![i], Is.EqualTo(MathF.Abs(a.Data[i]) < 1f ? g[i] : 0f), $"seed {seed} index {i}");
        Assert.That(a.Grad![1], Is.EqualTo(0f), "|A| = 1 is outside the STE window");
    }

    [Test]
    public void BadActivationsFailWithClearMessages()
    {
        var bad = new Tensor([1f, float.PositiveInfinity], [1, 2], requiresGrad: true);
        Assert.That(() => ActivationInt8.Symmetric(bad), Throws.ArgumentException);
        Assert.That(() => ActivationInt8.Symmetric(Random([1, 2], 1), 0f), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => ActivationInt8.Asymmetric(bad), Throws.ArgumentException);
        Assert.That(() => ActivationInt8.LearnedClip(Random([1, 2], 1), new Tensor([1f, 2f], [2])), Throws.ArgumentException.With.Message.Contains("c- < 0 < c+"));
        Assert.That(() => ActivationInt8.LearnedClip(Random([1, 2], 1), new Tensor([1f], [1])), Throws.ArgumentException.With.Message.Contains("[2]"));
        Assert.That(() => SignActivation.Apply(bad), Throws.ArgumentException.With.Message.Contains("finite"));
        Assert.That(() => BoolAttention.Apply(bad), Throws.ArgumentException.With.Message.Contains("finite"));
        Assert.That(() => LsqActivation.Quantize(Random([1, 2], 1), new Tensor([0f], [1]), -8, 7, true), Throws.ArgumentException.With.Message.Contains("positive"));
        Assert.That(() => new LsqActivation().Forward(bad), Throws.ArgumentException.With.Message.Contains("finite"));
    }
}
