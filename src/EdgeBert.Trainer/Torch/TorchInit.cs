using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Torch;

/// <summary>
/// Initialisation and naming shared by the TorchSharp modules: BERT's N(0, 0.02²) weights and zero
/// biases (as BERT initialises), and the EdgeBert names of a Linear's and a
/// LayerNorm's parameters (<c>weight</c>/<c>bias</c>, <c>gamma</c>/<c>beta</c>).
/// </summary>
internal static class TorchInit
{
    /// <summary>BERT's initialiser range.</summary>
    public const double Std = 0.02;

    /// <summary>Fills <paramref name="weight"/> from N(0, <see cref="Std"/>²).</summary>
    public static void Normal(Tensor weight) => nn.init.normal_(weight, 0, Std);

    /// <summary>A Linear with N(0, 0.02²) weights and a zero bias.</summary>
    public static Linear Linear(long inFeatures, long outFeatures)
    {
        Linear linear = nn.Linear(inFeatures, outFeatures);
        Normal(linear.weight!);
        nn.init.zeros_(linear.bias!);
        return linear;
    }

    /// <summary><c>{prefix}.weight</c> and <c>{prefix}.bias</c>.</summary>
    public static IEnumerable<(string Name, Tensor Parameter)> LinearWeights(string prefix, Linear linear)
    {
        yield return (prefix + ".weight", linear.weight!);
        yield return (prefix + ".bias", linear.bias!);
    }

    /// <summary><c>{prefix}.gamma</c> and <c>{prefix}.beta</c>.</summary>
    public static IEnumerable<(string Name, Tensor Parameter)> LayerNormWeights(string prefix, LayerNorm norm)
    {
        yield return (prefix + ".gamma", norm.weight!);
        yield return (prefix + ".beta", norm.bias!);
    }
}
