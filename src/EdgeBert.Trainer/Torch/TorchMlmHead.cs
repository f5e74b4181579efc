using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Torch;

/// <summary>
/// BERT's masked-language-model head on LibTorch:
/// dense + erf GELU + LayerNorm, then the decoder, whose weight is the word embedding table (tied:
/// read through a delegate, so it is not a second parameter) plus an output bias. EdgeBert names:
/// <c>bias</c>, <c>transform.{weight|bias}</c>, <c>ln.{gamma|beta}</c> (<c>mlm.*</c> in the model).
/// </summary>
public sealed class TorchMlmHead : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear transform;
    private readonly LayerNorm ln;
    private readonly Parameter bias;
    private readonly Func<Tensor> decoderWeight;

    /// <summary>A head for <paramref name="config"/> decoding through the table <paramref name="decoderWeight"/> returns ([V, H]).</summary>
    public TorchMlmHead(Model.BertConfig config, Func<Tensor> decoderWeight) : base(nameof(TorchMlmHead))
    {
        ArgumentNullException.ThrowIfNull(config);
        this.decoderWeight = decoderWeight ?? throw new ArgumentNullException(nameof(decoderWeight));
        transform = TorchInit.Linear(config.Hidden, config.Hidden);
        ln = nn.LayerNorm(config.Hidden, config.LayerNormEps);
        bias = nn.Parameter(zeros(config.VocabSize));
        RegisterComponents();
    }

    /// <summary>Vocabulary logits [n, V] for the rows <paramref name="rows"/> (int64 [n]) of the hidden states flattened to [B·L, H].</summary>
    public override Tensor forward(Tensor hidden, Tensor rows)
    {
        using var scope = NewDisposeScope();
        long h = hidden.shape[^1];
        Tensor selected = hidden.reshape(-1, h).index_select(0, rows);
        Tensor transformed = ln.forward(nn.functional.gelu(transform.forward(selected)));
        return nn.functional.linear(transformed, decoderWeight(), bias).MoveToOuterDisposeScope();
    }

    /// <summary>The parameters under their EdgeBert names, relative to <c>mlm</c>, in the model file's order.</summary>
    internal IEnumerable<(string Name, Tensor Parameter)> NamedWeights() =>
        new (string, Tensor)[] { ("bias", bias) }.Concat(TorchInit.LinearWeights("transform", transform)).Concat(TorchInit.LayerNormWeights("ln", ln));
}
