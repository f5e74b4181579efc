using TorchSharp;
using TorchSharp.Modules;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Torch.Quantization;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Torch;

/// <summary>
/// BERT's input embeddings on LibTorch: word + position + token type, LayerNorm, dropout. EdgeBert names: <c>embeddings.word</c>,
/// <c>embeddings.position</c>, <c>embeddings.token_type</c>, <c>embeddings.ln.{gamma|beta}</c>.
/// </summary>
public sealed class TorchBertEmbeddings : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Embedding word;
    private readonly Embedding position;
    private readonly Embedding token_type;
    private readonly LayerNorm ln;
    private readonly Dropout dropout;
    private readonly double eps;

    /// <summary>Embeddings for <paramref name="config"/>, tables drawn from N(0, 0.02²).</summary>
    public TorchBertEmbeddings(BertConfig config) : base(nameof(TorchBertEmbeddings))
    {
        ArgumentNullException.ThrowIfNull(config);
        word = nn.Embedding(config.VocabSize, config.Hidden);
        position = nn.Embedding(config.MaxPositions, config.Hidden);
        token_type = nn.Embedding(config.TypeVocabSize, config.Hidden);
        ln = nn.LayerNorm(config.Hidden, config.LayerNormEps);
        dropout = nn.Dropout(config.HiddenDropout);
        eps = config.LayerNormEps;
        foreach (Embedding table in new[] { word, position, token_type }) TorchInit.Normal(table.weight!);
        RegisterComponents();
    }

    /// <summary>The word table [V, H].</summary>
    public Embedding Word => word;

    /// <summary>The LayerNorm after the sum (quantization hooks set its float64 mode).</summary>
    internal LayerNorm Norm => ln;

    /// <summary>Embeds ids and type ids [B, L] (int64): [B, L, H].</summary>
    /// <exception cref="ArgumentException">The sequence is longer than the position table.</exception>
    public override Tensor forward(Tensor ids, Tensor typeIds)
    {
        long length = ids.shape[1];
        if (length > position.weight!.shape[0])
        {
            throw new ArgumentException($"TorchBertEmbeddings: sequence length {length} exceeds the {position.weight.shape[0]} position embeddings.", nameof(ids));
        }

        using Tensor positions = torch.arange(length, dtype: ScalarType.Int64, device: ids.device).unsqueeze(0);
        Tensor sum = TorchQuantizedModules.Forward(word, ids) + position.forward(positions) + token_type.forward(typeIds);
        return dropout.forward(TorchQuantizedModules.Forward(ln, sum, eps));
    }

    /// <summary>The parameters under their EdgeBert names, relative to <c>embeddings</c>.</summary>
    internal IEnumerable<(string Name, Tensor Parameter)> NamedWeights()
    {
        yield return ("word", word.weight!);
        yield return ("position", position.weight!);
        yield return ("token_type", token_type.weight!);
        foreach ((string name, Tensor p) in TorchInit.LayerNormWeights("ln", ln)) yield return (name, p);
    }
}
