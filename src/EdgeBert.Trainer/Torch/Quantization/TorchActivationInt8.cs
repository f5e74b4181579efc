using EdgeBert.Kernels.Integer;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Torch.Quantization;

/// <summary>
/// 8-bit activation fake-quantizers over TorchSharp tensors, dynamic per token (per row of the last
/// axis), in LibTorch element-wise float32 operations that repeat the Core's
/// (<see cref="Int8Quantization"/>) step by step, so the values are bit for bit the runtime's A8.
/// </summary>
public static class TorchActivationInt8
{
    /// <summary>
    /// The runtime's A8: clip to [−c, c] (none by default), scale = max|x|/127, q = clamp(round(x·127/max|x|), ±127),
    /// value = scale·q. Backward: STE 1[|x| ≤ c].
    /// </summary>
    /// <exception cref="ArgumentException">An input is NaN or infinite, or the clip is not positive.</exception>
    public static Tensor Symmetric(Tensor x, float clip = float.PositiveInfinity)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (!(clip > 0f)) throw new ArgumentOutOfRangeException(nameof(clip), clip, "The clip value must be positive.");
        TorchSte.ThrowIfNotFinite(x, "a8_symmetric");
        using var scope = NewDisposeScope();
        Tensor values = FakeSymmetric(x.detach(), clip);
        Tensor? pass = float.IsPositiveInfinity(clip) ? null : x.detach().abs().le(clip).to_type(x.dtype);
        return TorchSte.Masked(x, values, pass).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Per-token min-max int8 over [min(x, 0), max(x, 0)] as <see cref="Int8Quantization.QuantizeAsymmetric"/>
    /// then <see cref="Int8Quantization.Dequantize"/>; identity STE (training only: the runtime's A8 is symmetric).
    /// </summary>
    /// <exception cref="ArgumentException">An input is NaN or infinite.</exception>
    public static Tensor Asymmetric(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        TorchSte.ThrowIfNotFinite(x, "a8_asymmetric");
        using var scope = NewDisposeScope();
        Tensor v = x.detach();
        (Tensor min, Tensor max, Tensor flat) = TorchSte.RowRange(v);
        Tensor scale = (max - min).div(TorchSte.Full(min, 255f)).masked_fill(flat, 1f);
        Tensor zeroPoint = (TorchSte.Full(min, -128f) - min.div(scale)).round().clamp(-128f, 127f);
        Tensor codes = (v.div(scale).round() + zeroPoint).clamp(-128f, 127f);
        Tensor values = ((codes - zeroPoint) * scale).masked_fill(flat, 0f);
        return TorchSte.Identity(x, values).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A learnable clip pair <paramref name="clip"/> = [c⁻, c⁺] (shape [2]): x is clamped to it, then
    /// quantized as <see cref="Symmetric"/>. PACT gradient: x inside the pair only; c⁻ gets the sum of
    /// the upstream gradients below c⁻, c⁺ those above c⁺.
    /// </summary>
    /// <exception cref="ArgumentException">The clip is not [2] with c⁻ &lt; 0 &lt; c⁺, or an input is not finite.</exception>
    public static Tensor LearnedClip(Tensor x, Tensor clip)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(clip);
        if (clip.dim() != 1 || clip.shape[0] != 2) throw new ArgumentException($"a8_pact: the clip must be [c-, c+] of shape [2], got [{string.Join(", ", clip.shape)}].", nameof(clip));
        float[] pair = TorchSte.HostValues(clip, "a8_pact");
        if (!(pair[0] < 0f && pair[1] > 0f)) throw new ArgumentException($"a8_pact: the clip pair ({pair[0]}, {pair[1]}) must satisfy c- < 0 < c+.", nameof(clip));
        TorchSte.ThrowIfNotFinite(x, "a8_pact");
        using var scope = NewDisposeScope();
        Tensor v = x.detach();
        Tensor below = v.lt(pair[0]).to_type(x.dtype), above = v.gt(pair[1]).to_type(x.dtype);
        Tensor values = FakeSymmetric(v.clamp(pair[0], pair[1]), float.PositiveInfinity);
        Tensor result = TorchSte.Masked(x, values, 1f - below - above);
        if (clip.requires_grad && is_grad_enabled())
        {
            result = TorchSte.WithGradient(result, clip[0] * below + clip[1] * above);
        }
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>Symmetric per-row A8 values scale·q of a tensor without gradient.</summary>
    internal static Tensor FakeSymmetric(Tensor v, float clip)
    {
        Tensor absMax = v.abs().amax([-1], keepdim: true);
        if (!float.IsPositiveInfinity(clip)) absMax = absMax.clamp_max(clip);
        Tensor codes = TorchUniformGrid.Codes(v, absMax, 127f);
        return codes * absMax.div(TorchSte.Full(absMax, 127f));
    }
}
