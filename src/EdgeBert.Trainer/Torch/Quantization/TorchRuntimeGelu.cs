using EdgeBert.Kernels.Elementwise;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Torch.Quantization;

/// <summary>
/// GELU whose forward values are the runtime's (the Core <see cref="Gelu"/> on a host copy) and
/// whose gradient is LibTorch's GELU's, for students that binarize the GELU output (BiBERT's and the
/// progressive W1A1 FFN). LibTorch's float32 GELU, x·0.5·(1 + erf(x/√2)), is 0 below about −5.9,
/// where the runtime's stays negative down to <see cref="GeluSign.UnderflowCeiling"/> (−14.14): the
/// runtime's fused W1A1 FFN would write −1 where sign(LibTorch's GELU) is +1.
/// </summary>
public static class TorchRuntimeGelu
{
    /// <summary>gelu(<paramref name="x"/>) with the runtime's values.</summary>
    /// <exception cref="ArgumentException">The input is not float32 or not finite.</exception>
    public static Tensor Apply(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        using var scope = NewDisposeScope();
        float[] input = TorchSte.HostValues(x, "runtime_gelu");
        var output = new float[input.Length];
        Gelu.Apply(input, output);
        Tensor values = TorchSte.FromHost(output, x);
        Tensor result = x.requires_grad && is_grad_enabled() ? TorchSte.WithGradient(values, nn.functional.gelu(x)) : values;
        return result.MoveToOuterDisposeScope();
    }
}
