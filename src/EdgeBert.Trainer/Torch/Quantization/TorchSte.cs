using static TorchSharp.torch;

namespace EdgeBert.Trainer.Torch.Quantization;

/// <summary>
/// Straight-through estimators in the detach form and host copies for the Core quantizers. The
/// forward value is exactly the quantized tensor q, sign of zero included: <see cref="WithGradient"/>
/// returns <c>q − (g − g.detach())</c> with g = −f, and g − g.detach() is +0 for finite g, so the
/// subtraction leaves every q (−0 too) unchanged, while the gradient is that of f (f = x·pass for a
/// clipped identity STE). The textbook form <c>x + (q − x).detach()</c> would round (x + (q − x) is
/// not q in floating point), and adding a +0 term would turn −0 into +0.
/// </summary>
internal static class TorchSte
{
    /// <summary>q in the forward, the upstream gradient into x in the backward.</summary>
    public static Tensor Identity(Tensor x, Tensor quantized) => Masked(x, quantized, null);

    /// <summary>q in the forward; the upstream gradient into x where <paramref name="pass"/> is 1 (a 0/1 tensor of x's dtype), 0 elsewhere.</summary>
    public static Tensor Masked(Tensor x, Tensor quantized, Tensor? pass)
    {
        if (!x.requires_grad || !is_grad_enabled()) return quantized.detach();
        using var scope = NewDisposeScope();
        return WithGradient(quantized.detach(), pass is null ? x : x * pass).MoveToOuterDisposeScope();
    }

    /// <summary>The value of <paramref name="value"/> exactly, with the gradient of <paramref name="gradientSource"/> added.</summary>
    public static Tensor WithGradient(Tensor value, Tensor gradientSource)
    {
        using var scope = NewDisposeScope();
        Tensor g = gradientSource.neg();
        return (value - (g - g.detach())).MoveToOuterDisposeScope();
    }

    /// <summary>A float32 tensor's values on the host, row-major (for the Core quantizers).</summary>
    /// <exception cref="ArgumentException">The tensor is not float32 or holds NaN or infinity.</exception>
    public static float[] HostValues(Tensor t, string op)
    {
        if (t.dtype != ScalarType.Float32) throw new ArgumentException($"{op}: expects a float32 tensor, got {t.dtype}.");
        using Tensor host = t.detach().cpu().contiguous();
        float[] values = host.data<float>().ToArray();
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i])) throw new ArgumentException($"{op}: element {i} of [{string.Join(", ", t.shape)}] is {values[i]}; inputs must be finite.");
        }
        return values;
    }

    /// <summary>A tensor of <paramref name="values"/> with the shape and device of <paramref name="like"/>.</summary>
    public static Tensor FromHost(float[] values, Tensor like) => tensor(values, like.shape, dtype: ScalarType.Float32, device: like.device);

    /// <summary>Throws if <paramref name="x"/> holds NaN or infinity (the Core quantizers refuse them too).</summary>
    /// <exception cref="ArgumentException">A value is not finite.</exception>
    public static void ThrowIfNotFinite(Tensor x, string op)
    {
        if (x.dtype != ScalarType.Float32) throw new ArgumentException($"{op}: expects a float32 tensor, got {x.dtype}.");
        using Tensor finite = x.detach().isfinite().all();
        if (!finite.item<bool>()) throw new ArgumentException($"{op}: a value of [{string.Join(", ", x.shape)}] is NaN or infinite; inputs must be finite.");
    }

    /// <summary>Throws unless <paramref name="w"/> is a matrix [rows, columns].</summary>
    /// <exception cref="ArgumentException">The tensor is not two-dimensional.</exception>
    public static void ThrowIfNotMatrix(Tensor w, string op)
    {
        if (w.dim() != 2) throw new ArgumentException($"{op}: expects a matrix [rows, columns], got [{string.Join(", ", w.shape)}].");
    }

    /// <summary>A tensor of <paramref name="like"/>'s shape, dtype and device filled with <paramref name="value"/>.</summary>
    /// <remarks>Dividing by or into a full tensor keeps LibTorch on its element-wise true division; a scalar operand may be turned into a multiplication by its reciprocal on some devices.</remarks>
    public static Tensor Full(Tensor like, float value) => full_like(like, value);

    /// <summary>
    /// Per row of the last axis: lo = min(min x, 0), hi = max(max x, 0) (so 0 is representable) and
    /// whether the row is flat (hi = lo), the range of the Core's min-max quantizers.
    /// </summary>
    public static (Tensor Lo, Tensor Hi, Tensor Flat) RowRange(Tensor v)
    {
        Tensor lo = v.amin([-1], keepdim: true).clamp_max(0f);
        Tensor hi = v.amax([-1], keepdim: true).clamp_min(0f);
        return (lo, hi, hi.eq(lo));
    }
}
