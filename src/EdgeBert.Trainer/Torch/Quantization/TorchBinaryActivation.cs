using static TorchSharp.torch;

namespace EdgeBert.Trainer.Torch.Quantization;

/// <summary>
/// BiBERT's 1-bit functions over TorchSharp tensors (METHODS.md §3, §6.6, §6.7), as the runtime:
/// sign(x) = −1 iff x &lt; 0 (so +0 and −0 give +1), STE 1[|x| ≤ 1]; bool(A) = 1[A &gt; 0] (A = 0 → 0),
/// STE 1[|A| &lt; 1].
/// </summary>
public static class TorchBinaryActivation
{
    /// <summary>The runtime's A1: ±1 without scale.</summary>
    /// <exception cref="ArgumentException">An input is NaN or infinite.</exception>
    public static Tensor Sign(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        TorchSte.ThrowIfNotFinite(x, "a1_sign");
        using var scope = NewDisposeScope();
        Tensor v = x.detach();
        Tensor values = where(v.lt(0f), -1f, 1f).to_type(x.dtype);
        Tensor? pass = x.requires_grad ? v.abs().le(1f).to_type(x.dtype) : null;
        return TorchSte.Masked(x, values, pass).MoveToOuterDisposeScope();
    }

    /// <summary>Bi-Attention's bool on scores <paramref name="scores"/>.</summary>
    /// <exception cref="ArgumentException">A score is NaN or infinite.</exception>
    public static Tensor Bool(Tensor scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        TorchSte.ThrowIfNotFinite(scores, "bool_attention");
        using var scope = NewDisposeScope();
        Tensor v = scores.detach();
        Tensor values = v.gt(0f).to_type(scores.dtype);
        Tensor? pass = scores.requires_grad ? v.abs().lt(1f).to_type(scores.dtype) : null;
        return TorchSte.Masked(scores, values, pass).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Bi-Attention's weights: bool(<paramref name="scores"/> + <paramref name="mask"/>), the mask
    /// [B, 1, 1, L] additive (−10000 on padding keys, which then get 0 and no gradient) or null.
    /// </summary>
    /// <exception cref="ArgumentException">The mask does not broadcast over the scores, or a value is not finite.</exception>
    public static Tensor BiAttention(Tensor scores, Tensor? mask)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (mask is null) return Bool(scores);
        if (scores.dim() != 4 || mask.dim() != 4 || mask.shape[0] != scores.shape[0] || mask.shape[1] != 1 || mask.shape[2] != 1 || mask.shape[3] != scores.shape[3])
            throw new ArgumentException($"bi-attention: the mask must be [{scores.shape[0]}, 1, 1, {scores.shape[^1]}] for scores [{string.Join(", ", scores.shape)}], got [{string.Join(", ", mask.shape)}].");
        using var scope = NewDisposeScope();
        return Bool(scores + mask.detach()).MoveToOuterDisposeScope();
    }
}
