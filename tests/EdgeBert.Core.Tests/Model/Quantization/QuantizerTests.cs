using EdgeBert.Encoder.Quantization;

namespace EdgeBert.Core.Tests.Model.Quantization;

public class QuantizerTests
{
    [Test]
    public void Twn_uses_delta_of_0_7_mean_magnitude_and_alpha_of_the_kept_weights()
    {
        float[] w = [0.1f, -0.5f, 0.9f, -0.05f, 0.3f, 0f];
        // mean|w| = 1.85 / 6; Δ = 0.7 · that = 0.2158; kept: −0.5, 0.9, 0.3.
        var values = new sbyte[w.Length];
        float alpha = TernaryQuantizer.Ternarize(w, values);
        Assert.That(values, Is.EqualTo(new sbyte[] { 0, -1, 1, 0, 1, 0 }));
        Assert.That(alpha, Is.EqualTo((0.5f + 0.9f + 0.3f) / 3).Within(1e-6));
    }

    [Test]
    public void Twn_of_zeros_is_zero_with_alpha_zero_and_rows_have_their_own_alpha()
    {
        var values = new sbyte[4];
        Assert.That(TernaryQuantizer.Ternarize(new float[4], values), Is.Zero);
        Assert.That(values, Is.All.Zero);
        var rowValues = new sbyte[4];
        var alpha = new float[2];
        TernaryQuantizer.TernarizeRows([1f, -1f, 0.1f, 0.3f], 2, 2, rowValues, alpha);
        Assert.That(alpha, Is.EqualTo(new[] { 1f, 0.3f }));
        Assert.That(rowValues, Is.EqualTo(new sbyte[] { 1, -1, 0, 1 }));
    }

    [Test]
    public void Binary_rows_take_the_sign_of_the_centred_weight_and_alpha_of_the_uncentred()
    {
        // Row mean 0.5: 0.2 − 0.5 < 0 is −1 although 0.2 > 0 (BiBERT centres before the sign).
        float[] w = [0.2f, 0.8f, 1.0f, 0.0f, -2f, 2f, 0f, 0f];
        var negative = new bool[8];
        var alpha = new float[2];
        BinaryQuantizer.BinarizeRows(w, 2, 4, negative, alpha);
        Assert.That(negative, Is.EqualTo(new[] { true, false, false, true, true, false, false, false }));
        Assert.That(alpha[0], Is.EqualTo(0.5f).Within(1e-7));
        Assert.That(alpha[1], Is.EqualTo(1f));
    }

    [Test]
    public void Int8_rows_use_absmax_over_127_and_zero_rows_get_scale_zero()
    {
        float[] w = [1.27f, -0.635f, 0.0f, 0.005f, 0f, 0f, 0f, 0f, 0f];
        var q = new sbyte[3 * 64];
        var scales = new float[3];
        Int8RowQuantizer.QuantizeRows(w, 3, 3, q, 64, scales);
        Assert.That(scales[0], Is.EqualTo(0.01f).Within(1e-9));
        Assert.That(q[..3], Is.EqualTo(new sbyte[] { 127, -64, 0 }).Or.EqualTo(new sbyte[] { 127, -63, 0 }));
        Assert.That(scales[1], Is.EqualTo(0.005f / 127).Within(1e-12));
        Assert.That(q[64], Is.EqualTo(127));
        Assert.That(q[3..64], Is.All.Zero, "padding stays zero");
        Assert.That(scales[2], Is.Zero);
        Assert.That(q[128..], Is.All.Zero);
    }

    [Test]
    public void Bad_input_throws_with_the_problem_named()
    {
        Assert.That(() => TernaryQuantizer.Ternarize([1f, float.NaN], new sbyte[2]), Throws.ArgumentException.With.Message.Contains("NaN"));
        Assert.That(() => TernaryQuantizer.Ternarize([1f, 2f], new sbyte[1]), Throws.ArgumentException);
        Assert.That(() => BinaryQuantizer.BinarizeRows([1f, 2f, 3f], 2, 2, new bool[4], new float[2]), Throws.ArgumentException.With.Message.Contains("[2, 2]"));
        Assert.That(() => Int8RowQuantizer.QuantizeRows([1f, 2f], 1, 2, new sbyte[2], 1, new float[1]), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
