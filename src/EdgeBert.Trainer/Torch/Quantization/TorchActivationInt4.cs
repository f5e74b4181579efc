using EdgeBert.Kernels.Packing;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Torch.Quantization;

/// <summary>
/// The runtime's dynamic A4 over TorchSharp tensors (the progressive W1A4 student; BinaryBERT W1A4
/// without learned steps): per token, lo = min(min x, 0), hi = max(max x, 0), scale = (hi − lo)/15,
/// zp = clamp(round(−lo/scale), 0, 15), q = clamp(round(x·(1/scale)) + zp, 0, 15),
/// value = scale·(q − zp); a flat row gives 0. The float32 steps of <see cref="BitPlanePacking.Quantize"/>
/// in the same order, so the values are the bit-serial kernel's bit for bit. Identity STE (the range
/// covers every element).
/// </summary>
public static class TorchActivationInt4
{
    /// <summary>Fake-quantizes every row of the last axis of <paramref name="x"/>.</summary>
    /// <exception cref="ArgumentException">An input is NaN or infinite.</exception>
    public static Tensor MinMax(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        TorchSte.ThrowIfNotFinite(x, "a4_minmax");
        using var scope = NewDisposeScope();
        Tensor v = x.detach();
        (Tensor lo, Tensor hi, Tensor flat) = TorchSte.RowRange(v);
        Tensor scale = (hi - lo).div(TorchSte.Full(lo, 15f)).masked_fill(flat, 1f);
        Tensor zeroPoint = lo.neg().div(scale).round().clamp(0f, 15f);
        Tensor inverse = TorchSte.Full(scale, 1f).div(scale);
        Tensor codes = ((v * inverse).round() + zeroPoint).clamp(0f, 15f);
        Tensor values = ((codes - zeroPoint) * scale).masked_fill(flat, 0f);
        return TorchSte.Identity(x, values).MoveToOuterDisposeScope();
    }
}
