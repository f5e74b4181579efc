using EdgeBert.Trainer.Autograd;

namespace EdgeBert.Trainer.Nn;

/// <summary>
/// A lookup table [count, dim]. Its parameter has the module's own name, so under
/// <c>embeddings</c> a table registered as <c>word</c> is the tensor <c>embeddings.word</c>.
/// </summary>
public sealed class Embedding : Module
{
    /// <summary>A table of N(0, <paramref name="initStd"/>²) rows.</summary>
    /// <exception cref="ArgumentOutOfRangeException">count or dim is less than 1.</exception>
    public Embedding(int count, int dim, Random rng, float initStd = 0.02f)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dim, 1);
        Weight = Tensor.RandomNormal([count, dim], rng, 0f, initStd, requiresGrad: true);
    }

    /// <summary>The table [count, dim].</summary>
    public Tensor Weight { get; set; }

    /// <summary>Applied to the table before each lookup (e.g. a row-wise ternary quantizer); null for none.</summary>
    public Func<Tensor, Tensor>? WeightTransform { get; set; }

    /// <summary>
    /// The second half of a split table (BinaryBERT's ternary weight splitting), or null. When set
    /// a lookup returns T(W)[id] + T(W_split)[id]; it is the parameter <c>{name}.split</c> (<c>embeddings.word.split</c>).
    /// </summary>
    public Tensor? WeightSplit { get; set; }

    /// <summary>Looks up <paramref name="ids"/> of shape <paramref name="idsShape"/>, giving [idsShape..., dim].</summary>
    public Tensor Forward(int[] ids, int[] idsShape)
    {
        Tensor rows = Ops.Embedding(WeightTransform is null ? Weight : WeightTransform(Weight), ids, idsShape);
        if (WeightSplit is null) return rows;
        return Ops.Add(rows, Ops.Embedding(WeightTransform is null ? WeightSplit : WeightTransform(WeightSplit), ids, idsShape));
    }

    /// <inheritdoc />
    protected override IEnumerable<(string Name, Tensor Parameter)> OwnParameters()
    {
        yield return ("", Weight);
        if (WeightSplit is not null) yield return ("split", WeightSplit);
    }
}
