using EdgeBert.Trainer.Autograd;

namespace EdgeBert.Trainer.Nn;

/// <summary>LayerNorm over the last dimension with parameters <c>gamma</c> (ones) and <c>beta</c> (zeros).</summary>
public sealed class LayerNorm : Module
{
    /// <summary>A LayerNorm over <paramref name="features"/> values; BERT uses eps = 1e-12.</summary>
    /// <exception cref="ArgumentOutOfRangeException">features is less than 1 or eps is not positive.</exception>
    public LayerNorm(int features, float eps = 1e-12f)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        if (!(eps > 0f)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "eps must be positive.");
        Gamma = Tensor.Full([features], 1f, requiresGrad: true);
        Beta = Tensor.Zeros([features], requiresGrad: true);
        Eps = eps;
    }

    /// <summary>The scale γ [features].</summary>
    public Tensor Gamma { get; set; }

    /// <summary>The shift β [features].</summary>
    public Tensor Beta { get; set; }

    /// <summary>The variance epsilon.</summary>
    public float Eps { get; }

    /// <summary>
    /// Evaluate the forward in float64 and round once, as the runtime does (docs/inference.md), so a
    /// sign() right after it (BiBERT) sees bit-identical inputs; false: the float32 forward.
    /// </summary>
    public bool Float64 { get; set; }

    /// <summary>Normalises x [..., features].</summary>
    public Tensor Forward(Tensor x) => Ops.LayerNorm(x, Gamma, Beta, Eps, Float64);

    /// <inheritdoc />
    protected override IEnumerable<(string Name, Tensor Parameter)> OwnParameters()
    {
        yield return ("gamma", Gamma);
        yield return ("beta", Beta);
    }
}
