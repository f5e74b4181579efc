using EdgeBert.Trainer.Autograd;

namespace EdgeBert.Trainer.Nn;

/// <summary>
/// y = x·Wᵀ + b with W [out, in] (the model file's layout). Optional hooks transform the weight
/// and the input before the product: quantizers with straight-through backward plug in here.
/// </summary>
public sealed class Linear : Module
{
    /// <summary>A layer with weights drawn from N(0, <paramref name="initStd"/>²) (BERT's 0.02) and zero bias.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A feature count is less than 1.</exception>
    public Linear(int inFeatures, int outFeatures, Random rng, bool bias = true, float initStd = 0.02f)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inFeatures, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outFeatures, 1);
        Weight = Tensor.RandomNormal([outFeatures, inFeatures], rng, 0f, initStd, requiresGrad: true);
        Bias = bias ? Tensor.Zeros([outFeatures], requiresGrad: true) : null;
    }

    /// <summary>The weight [out, in].</summary>
    public Tensor Weight { get; set; }

    /// <summary>The bias [out], or null.</summary>
    public Tensor? Bias { get; set; }

    /// <summary>Applied to the weight before each product (e.g. a ternary quantizer); null for none.</summary>
    public Func<Tensor, Tensor>? WeightTransform { get; set; }

    /// <summary>Applied to the input before each product (e.g. an activation quantizer); null for none.</summary>
    public Func<Tensor, Tensor>? InputTransform { get; set; }

    /// <summary>
    /// Computes y from the transformed input, the transformed weight and the bias; null means
    /// <see cref="Ops.Linear"/>. BiBERT plugs in an integer-exact ±1 product here, so its outputs
    /// round exactly as the runtime's popcount epilogue does.
    /// </summary>
    public Func<Tensor, Tensor, Tensor?, Tensor>? Product { get; set; }

    /// <summary>
    /// The second half of a split layer (BinaryBERT's ternary weight splitting), [out, in], or
    /// null. When set the layer computes y = T(x)·T(W)ᵀ + b + T(x)·T(W_split)ᵀ, two products on
    /// the same quantized input summed in that order, as the runtime's split linear does; it is
    /// the parameter <c>weight_split</c>.
    /// </summary>
    public Tensor? WeightSplit { get; set; }

    /// <summary>
    /// A learned activation step [1] (LSQ) that an <see cref="InputTransform"/> reads, or null; it is
    /// the parameter <c>act_scale</c>, which the runtime reads as the static step of this linear.
    /// </summary>
    public Tensor? ActivationScale { get; set; }

    /// <summary>Applies the layer to x [..., in].</summary>
    public Tensor Forward(Tensor x)
    {
        Tensor input = InputTransform is null ? x : InputTransform(x);
        Tensor weight = WeightTransform is null ? Weight : WeightTransform(Weight);
        Tensor y = Product is null ? Ops.Linear(input, weight, Bias) : Product(input, weight, Bias);
        if (WeightSplit is null) return y;
        Tensor split = WeightTransform is null ? WeightSplit : WeightTransform(WeightSplit);
        return Ops.Add(y, Product is null ? Ops.Linear(input, split) : Product(input, split, null));
    }

    /// <inheritdoc />
    protected override IEnumerable<(string Name, Tensor Parameter)> OwnParameters()
    {
        yield return ("weight", Weight);
        if (Bias is not null) yield return ("bias", Bias);
        if (WeightSplit is not null) yield return ("weight_split", WeightSplit);
        if (ActivationScale is not null) yield return ("act_scale", ActivationScale);
    }
}
