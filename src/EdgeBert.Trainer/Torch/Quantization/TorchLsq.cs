using static TorchSharp.torch;

namespace EdgeBert.Trainer.Torch.Quantization;

/// <summary>
/// LSQ activations over TorchSharp tensors (METHODS.md §2.2; the runtime's static A4 with
/// <c>act_scale</c>): x̂ = s·clamp(round((x − o)/s), Qn, Qp) + o with o = 0, or the tensor's minimum
/// when <c>offset</c> (a constant). Backward as the current trainer's <c>LsqActivation</c>: x gets the
/// upstream gradient where Qn ≤ (x − o)/s ≤ Qp; s gets Σ g·(round(v) − v) inside, Σ g·Qn below,
/// Σ g·Qp above, times 1/√(N·Qp).
/// </summary>
public static class TorchLsq
{
    /// <summary>The LSQ step initialisation k·mean|x|/√Qp (k = 2 symmetric, 4 with the minimum offset), 1 if that is not positive.</summary>
    public static float InitialStep(Tensor x, int qp, double factor = 2)
    {
        ArgumentNullException.ThrowIfNull(x);
        using Tensor meanAbs = x.detach().to_type(ScalarType.Float64).abs().mean();
        float init = (float)(factor * meanAbs.item<double>() / Math.Sqrt(qp));
        return init > 0f && float.IsFinite(init) ? init : 1f;
    }

    /// <summary>Quantizes <paramref name="x"/> with the step <paramref name="step"/> (one positive value, shape [1]).</summary>
    /// <exception cref="ArgumentException">The step is not one positive finite value, Qn ≥ Qp, or x is not finite.</exception>
    public static Tensor Quantize(Tensor x, Tensor step, int qn, int qp, bool offset = false)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(step);
        if (step.numel() != 1) throw new ArgumentException($"lsq: the step must be one value, got [{string.Join(", ", step.shape)}].", nameof(step));
        float s = TorchSte.HostValues(step, "lsq")[0];
        if (!(s > 0f)) throw new ArgumentException($"lsq: the step must be positive, got {s}.", nameof(step));
        if (qn >= qp) throw new ArgumentException($"lsq: Qn {qn} must be below Qp {qp}.", nameof(qn));
        TorchSte.ThrowIfNotFinite(x, "lsq");
        using var scope = NewDisposeScope();
        Tensor v0 = x.detach();
        Tensor o = offset && v0.numel() > 0 ? v0.min() : zeros(1, dtype: x.dtype, device: x.device);
        Tensor sFull = TorchSte.Full(v0, s);
        Tensor v = (v0 - o).div(sFull);
        Tensor values = sFull * v.round().clamp(qn, qp) + o;
        Tensor below = v.lt(qn), above = v.gt(qp);
        Tensor inside = below.logical_or(above).logical_not().to_type(x.dtype);
        Tensor result = TorchSte.Masked(x, values, inside);
        if (step.requires_grad && is_grad_enabled())
        {
            Tensor ds = (v.round() - v).masked_fill(below, qn).masked_fill(above, qp);
            double gradScale = v0.numel() == 0 ? 0 : 1.0 / Math.Sqrt((double)v0.numel() * qp);
            result = TorchSte.WithGradient(result, step.reshape([]) * (ds * gradScale));
        }
        return result.MoveToOuterDisposeScope();
    }
}
