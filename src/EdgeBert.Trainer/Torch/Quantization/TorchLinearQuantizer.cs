using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Torch.Quantization;

/// <summary>
/// What a quantized linear computes, attached to a TorchSharp <see cref="Linear"/> of the model by
/// <see cref="TorchQuantizedModules.Attach(Linear, TorchLinearQuantizer?)"/> (the latent FP32 weight
/// stays the Linear's parameter): y = Product(Input(x), Weight(w), b), plus
/// Product(Input(x), Weight(w²), null) for a BinaryBERT split half w² — the current trainer's
/// <c>Nn.Linear</c> hooks, in the same order.
/// </summary>
public sealed class TorchLinearQuantizer
{
    /// <summary>The weight quantizer (STE), or null for the FP32 weight.</summary>
    public Func<Tensor, Tensor>? Weight { get; init; }

    /// <summary>The input quantizer (STE), or null for the FP32 input.</summary>
    public Func<Tensor, Tensor>? Input { get; init; }

    /// <summary>The product (input, weight, bias), or null for <c>nn.functional.linear</c>.</summary>
    public Func<Tensor, Tensor, Tensor?, Tensor>? Product { get; init; }

    /// <summary>BinaryBERT's second binary half w² (a parameter of the same shape as the weight), or null.</summary>
    public Tensor? WeightSplit { get; set; }

    /// <summary>The learned LSQ step of a static A4 input (exported as <c>act_scale</c>), shape [1], or null.</summary>
    public Tensor? ActivationScale { get; set; }

    /// <summary>Applies the quantized linear to <paramref name="x"/>.</summary>
    public Tensor Forward(Linear linear, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(linear);
        ArgumentNullException.ThrowIfNull(x);
        using var scope = NewDisposeScope();
        Tensor input = Input is null ? x : Input(x);
        Tensor weight = Weight is null ? linear.weight! : Weight(linear.weight!);
        Tensor y = Product is null ? nn.functional.linear(input, weight, linear.bias) : Product(input, weight, linear.bias);
        if (WeightSplit is not null)
        {
            Tensor split = Weight is null ? WeightSplit : Weight(WeightSplit);
            y = y + (Product is null ? nn.functional.linear(input, split) : Product(input, split, null));
        }
        return y.MoveToOuterDisposeScope();
    }
}
