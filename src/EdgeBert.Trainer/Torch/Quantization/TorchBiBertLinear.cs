using static TorchSharp.torch;

namespace EdgeBert.Trainer.Torch.Quantization;

/// <summary>
/// The W1A1 product of a BiBERT linear over TorchSharp tensors, as the runtime's popcount epilogue:
/// y = α[n]·d + b[n] with the integer d = Σ_k sign(x_k)·sign(ŵ_nk), computed as a float GEMM of ±1
/// values (exact: every partial sum is an integer below 2²⁴), then one multiply and one add per
/// element. A GEMM over ±α terms would round differently and flip a later sign() where α·d + b is
/// within an ulp of 0. Backward: the plain linear one on the values the forward saw (x = ±1, ŵ = ±α).
/// </summary>
public static class TorchBiBertLinear
{
    /// <summary>The product of <paramref name="input"/> [..., K] (±1) and <paramref name="weight"/> [N, K] (rows ±α) plus an optional bias [N].</summary>
    /// <exception cref="ArgumentException">The shapes do not fit.</exception>
    public static Tensor Apply(Tensor input, Tensor weight, Tensor? bias)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        if (input.dim() < 1 || weight.dim() != 2 || weight.shape[1] != input.shape[^1])
            throw new ArgumentException($"bibert_w1a1_linear: weight must be [out, {(input.dim() < 1 ? 0 : input.shape[^1])}], got [{string.Join(", ", weight.shape)}].");
        if (bias is not null && (bias.dim() != 1 || bias.shape[0] != weight.shape[0]))
            throw new ArgumentException($"bibert_w1a1_linear: bias must be [{weight.shape[0]}], got [{string.Join(", ", bias.shape)}].");
        using var scope = NewDisposeScope();
        Tensor w = weight.detach(), x = input.detach();
        Tensor alpha = w.select(1, 0).abs();
        Tensor signs = where(w.lt(0f), -1f, 1f).to_type(w.dtype);
        Tensor d = nn.functional.linear(where(x.lt(0f), -1f, 1f).to_type(x.dtype), signs);
        Tensor exact = d * alpha;
        if (bias is not null) exact = exact + bias.detach();
        if (!is_grad_enabled() || !(input.requires_grad || weight.requires_grad || (bias?.requires_grad ?? false))) return exact.MoveToOuterDisposeScope();
        Tensor graph = nn.functional.linear(input, weight, bias);
        return TorchSte.WithGradient(exact, graph).MoveToOuterDisposeScope();
    }
}
