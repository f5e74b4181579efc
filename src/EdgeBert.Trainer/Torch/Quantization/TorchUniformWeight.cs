using EdgeBert.Trainer.Quantization;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Torch.Quantization;

/// <summary>
/// Symmetric uniform k-bit weights per row over TorchSharp tensors (the progressive W8/W4 steps,
/// <see cref="UniformWeight"/>): Qmax = 2^(k−1) − 1, scale = max|w_row|/Qmax,
/// ŵ = scale·clamp(round(w·(Qmax/max|w_row|)), −Qmax, Qmax), ties to even, a zero row stays zero.
/// Every step is one float32 element-wise operation in the order of the Core
/// <c>Int8RowQuantizer</c> (max is exact in any order), so the result is bit for bit the Core's at
/// 8 bits; identity STE.
/// </summary>
public static class TorchUniformWeight
{
    /// <summary>Per-row symmetric <paramref name="bits"/>-bit quantization of a matrix [rows, columns].</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bits"/> is outside [2, 8].</exception>
    /// <exception cref="ArgumentException">The weight is not a float32 matrix or not finite.</exception>
    public static Tensor ApplyRows(Tensor weight, int bits)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentOutOfRangeException.ThrowIfLessThan(bits, UniformWeight.MinBits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bits, UniformWeight.MaxBits);
        string op = $"uniform_w{bits}_rows";
        TorchSte.ThrowIfNotMatrix(weight, op);
        TorchSte.ThrowIfNotFinite(weight, op);
        float qmax = UniformWeight.MaxCode(bits);
        using var scope = NewDisposeScope();
        Tensor w = weight.detach();
        Tensor absMax = w.abs().amax([1], keepdim: true);
        // 8 bits are the Core's integer codes (a zero code is +0); narrower grids round in float as the
        // current trainer does, which keeps the sign of a code rounded to −0.
        Tensor q = TorchUniformGrid.Codes(w, absMax, qmax, positiveZero: bits == 8);
        Tensor values = q * absMax.div(TorchSte.Full(absMax, qmax));
        return TorchSte.Identity(weight, values).MoveToOuterDisposeScope();
    }
}

/// <summary>The symmetric grid shared by the uniform weights and the A8 activations.</summary>
internal static class TorchUniformGrid
{
    /// <summary>
    /// clamp(round(x·(Qmax/absMax)), −Qmax, Qmax) per row, ties to even; rows with absMax = 0 give 0
    /// (absMax [rows, 1] broadcast over the last axis of x). With <paramref name="positiveZero"/> a code
    /// rounded to −0 becomes +0, as the Core's integer codes give +0 when multiplied back.
    /// </summary>
    public static Tensor Codes(Tensor x, Tensor absMax, float qmax, bool positiveZero = true)
    {
        Tensor zero = absMax.eq(0f);
        Tensor multiplier = TorchSte.Full(absMax, qmax).div(absMax.masked_fill(zero, 1f));
        Tensor rounded = (x * multiplier).round();
        Tensor codes = (positiveZero ? rounded + 0f : rounded).clamp(-qmax, qmax);
        return codes.masked_fill(zero, 0f);
    }
}
