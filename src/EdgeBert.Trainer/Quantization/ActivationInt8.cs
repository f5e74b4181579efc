using EdgeBert.Kernels.Integer;
using EdgeBert.Trainer.Autograd;

namespace EdgeBert.Trainer.Quantization;

/// <summary>
/// 8-bit activation fake-quantizers (METHODS.md §1.3, §2.2, §6.4), dynamic per token (per row of
/// the last axis). The symmetric one is the runtime's A8 (<see cref="Int8Quantization.QuantizeSymmetric"/>),
/// value = scale·q, so a trainer forward through it matches the W2A8/W8A8/W1A8 GEMM inputs exactly.
/// </summary>
public static class ActivationInt8
{
    /// <summary>The initial clip of TernaryBERT / BinaryBERT (clip_val).</summary>
    public const float DefaultClip = 2.5f;

    private static readonly CustomOp AsymmetricOp = new("a8_asymmetric", ForwardAsymmetric, QuantizerChecks.IdentityBackward);
    private static readonly CustomOp LearnedClipOp = new("a8_pact", ForwardLearnedClip, BackwardLearnedClip);

    /// <summary>
    /// Symmetric per-token int8: clip to [−c, c] (none by default, as the runtime), scale = max|x|/127.
    /// Backward: STE inside the clip (|x| ≤ c), zero outside.
    /// </summary>
    /// <exception cref="ArgumentException">An input is NaN or infinite, or clip ≤ 0.</exception>
    public static Tensor Symmetric(Tensor x, float clip = float.PositiveInfinity)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (!(clip > 0f)) throw new ArgumentOutOfRangeException(nameof(clip), clip, "The clip value must be positive.");
        var op = new CustomOp("a8_symmetric", inputs => ForwardSymmetric(inputs[0], clip), QuantizerChecks.MaskedBackward);
        return op.Apply(x);
    }

    /// <summary>
    /// Asymmetric min-max per-token int8 over [min(x, 0), max(x, 0)]
    /// (<see cref="Int8Quantization.QuantizeAsymmetric"/>); identity STE. Training only: the runtime's A8 is symmetric.
    /// </summary>
    /// <exception cref="ArgumentException">An input is NaN or infinite.</exception>
    public static Tensor Asymmetric(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return AsymmetricOp.Apply(x);
    }

    /// <summary>
    /// Learnable clip pair [c⁻, c⁺] (<paramref name="clip"/> = [c⁻, c⁺], shape [2]): x is clamped
    /// to the pair, then quantized symmetric per token. PACT gradient: x gets the upstream grad
    /// inside the pair and 0 outside; c⁻ gets the sum of upstream grads of elements below c⁻,
    /// c⁺ the sum of those above c⁺.
    /// </summary>
    /// <exception cref="ArgumentException">Clip is not [2] with c⁻ &lt; 0 &lt; c⁺, or an input is not finite.</exception>
    public static Tensor LearnedClip(Tensor x, Tensor clip)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(clip);
        if (clip.Rank != 1 || clip.Length != 2) throw new ArgumentException($"a8_pact: the clip must be [c-, c+] of shape [2], got {clip}.", nameof(clip));
        if (!(clip.Data[0] < 0f && clip.Data[1] > 0f) || !float.IsFinite(clip.Data[0]) || !float.IsFinite(clip.Data[1]))
            throw new ArgumentException($"a8_pact: the clip pair ({clip.Data[0]}, {clip.Data[1]}) must satisfy c- < 0 < c+.", nameof(clip));
        return LearnedClipOp.Apply(x, clip);
    }

    /// <summary>Symmetric per-row fake quantization into <paramref name="values"/> (scale·q).</summary>
    internal static void FakeQuantizeSymmetric(ReadOnlySpan<float> x, int rows, int columns, Span<float> values, float clip)
    {
        var q = new sbyte[x.Length];
        var scales = new float[rows];
        Int8Quantization.QuantizeSymmetric(x, rows, columns, columns, q, columns, scales, clip);
        for (int i = 0; i < q.Length; i++) values[i] = scales[i / columns] * q[i];
    }

    private static CustomResult ForwardSymmetric(Tensor x, float clip)
    {
        var (rows, columns) = QuantizerChecks.Rows(x, "a8_symmetric");
        var values = new float[x.Length];
        if (rows > 0) FakeQuantizeSymmetric(x.Data, rows, columns, values, clip);
        var pass = new bool[x.Length];
        for (int i = 0; i < pass.Length; i++) pass[i] = MathF.Abs(x.Data[i]) <= clip;
        return new CustomResult(values, x.ShapeArray(), pass);
    }

    private static CustomResult ForwardAsymmetric(IReadOnlyList<Tensor> inputs)
    {
        Tensor x = inputs[0];
        var (rows, columns) = QuantizerChecks.Rows(x, AsymmetricOp.Name);
        var values = new float[x.Length];
        if (rows > 0)
        {
            var q = new sbyte[x.Length];
            var scales = new float[rows];
            var zeroPoints = new int[rows];
            Int8Quantization.QuantizeAsymmetric(x.Data, rows, columns, columns, q, columns, scales, zeroPoints);
            Int8Quantization.Dequantize(q, rows, columns, columns, scales, zeroPoints, values, columns);
        }
        return new CustomResult(values, x.ShapeArray());
    }

    private static CustomResult ForwardLearnedClip(IReadOnlyList<Tensor> inputs)
    {
        Tensor x = inputs[0];
        float lo = inputs[1].Data[0], hi = inputs[1].Data[1];
        QuantizerChecks.ThrowIfNotFinite(x, LearnedClipOp.Name);
        var clamped = new float[x.Length];
        var side = new sbyte[x.Length];
        for (int i = 0; i < clamped.Length; i++)
        {
            float v = x.Data[i];
            side[i] = v < lo ? (sbyte)-1 : v > hi ? (sbyte)1 : (sbyte)0;
            clamped[i] = Math.Clamp(v, lo, hi);
        }
        var (rows, columns) = QuantizerChecks.Rows(x, LearnedClipOp.Name);
        var values = new float[x.Length];
        if (rows > 0) FakeQuantizeSymmetric(clamped, rows, columns, values, float.PositiveInfinity);
        return new CustomResult(values, x.ShapeArray(), side);
    }

    private static void BackwardLearnedClip(CustomBackwardContext context)
    {
        sbyte[] side = (sbyte[])context.State!;
        ReadOnlySpan<float> up = context.OutputGrad;
        if (context.NeedsGrad(0))
        {
            Span<float> g = context.InputGrad(0);
            for (int i = 0; i < g.Length; i++)
            {
                if (side[i] == 0) g[i] += up[i];
            }
        }
        if (context.NeedsGrad(1))
        {
            double below = 0, above = 0;
            for (int i = 0; i < side.Length; i++)
            {
                if (side[i] < 0) below += up[i];
                else if (side[i] > 0) above += up[i];
            }
            Span<float> gc = context.InputGrad(1);
            gc[0] += (float)below;
            gc[1] += (float)above;
        }
    }
}
