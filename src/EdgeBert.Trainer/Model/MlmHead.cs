using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Nn;

namespace EdgeBert.Trainer.Model;

/// <summary>
/// The masked-language-model head of BERT: transform (dense + GELU + LayerNorm) and a decoder
/// whose weight is the word embedding table (tied, so it is not a parameter of its own) plus an
/// output bias. Parameters: <c>transform.{weight|bias}</c>, <c>ln.{gamma|beta}</c>, <c>bias</c>
/// (<c>mlm.*</c> in the model; not exported to .ebm files).
/// </summary>
public sealed class MlmHead : Module
{
    private readonly Embedding word;

    /// <summary>A head for <paramref name="config"/> decoding through <paramref name="word"/>.</summary>
    public MlmHead(BertConfig config, Embedding word, Random rng)
    {
        ArgumentNullException.ThrowIfNull(config);
        this.word = word ?? throw new ArgumentNullException(nameof(word));
        Transform = new Linear(config.Hidden, config.Hidden, rng);
        Norm = new LayerNorm(config.Hidden, config.LayerNormEps);
        Bias = Tensor.Zeros([config.VocabSize], requiresGrad: true);
    }

    /// <summary>The transform's dense layer [H, H].</summary>
    public Linear Transform { get; }

    /// <summary>The transform's LayerNorm.</summary>
    public LayerNorm Norm { get; }

    /// <summary>The decoder's output bias [V].</summary>
    public Tensor Bias { get; set; }

    /// <summary>Vocabulary logits [n, V] for selected rows of the hidden states flattened to [B·L, H].</summary>
    public Tensor Forward(Tensor hidden, int[] rows)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        int h = hidden.Dim(-1);
        Tensor selected = Ops.GatherRows(Ops.Reshape(hidden, hidden.Length / h, h), rows);
        Tensor transformed = Norm.Forward(Ops.Gelu(Transform.Forward(selected)));
        return Ops.Linear(transformed, word.Weight, Bias);
    }

    /// <inheritdoc />
    protected override IEnumerable<(string Name, Tensor Parameter)> OwnParameters()
    {
        yield return ("bias", Bias);
    }

    /// <inheritdoc />
    protected override IEnumerable<(string Name, Module Child)> NamedChildren()
    {
        yield return ("transform", Transform);
        yield return ("ln", Norm);
    }
}
