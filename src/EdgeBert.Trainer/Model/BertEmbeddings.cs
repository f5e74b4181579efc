using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Nn;

namespace EdgeBert.Trainer.Model;

/// <summary>
/// BERT's input embeddings: word + position + token type, then LayerNorm and dropout. Parameters
/// are <c>word</c>, <c>position</c>, <c>token_type</c> and <c>ln.{gamma|beta}</c>
/// (<c>embeddings.*</c> in the model).
/// </summary>
public sealed class BertEmbeddings : Module
{
    private readonly Random rng;

    /// <summary>Embeddings for <paramref name="config"/>; <paramref name="rng"/> initialises tables and drives dropout.</summary>
    public BertEmbeddings(BertConfig config, Random rng)
    {
        ArgumentNullException.ThrowIfNull(config);
        this.rng = rng ?? throw new ArgumentNullException(nameof(rng));
        Word = new Embedding(config.VocabSize, config.Hidden, rng);
        Position = new Embedding(config.MaxPositions, config.Hidden, rng);
        TokenType = new Embedding(config.TypeVocabSize, config.Hidden, rng);
        Norm = new LayerNorm(config.Hidden, config.LayerNormEps);
        Dropout = config.HiddenDropout;
    }

    /// <summary>The word table [V, H] (also the tied MLM decoder).</summary>
    public Embedding Word { get; }

    /// <summary>The position table [P, H].</summary>
    public Embedding Position { get; }

    /// <summary>The token type table [T, H].</summary>
    public Embedding TokenType { get; }

    /// <summary>The LayerNorm after the sum.</summary>
    public LayerNorm Norm { get; }

    /// <summary>Dropout probability after the LayerNorm (training only).</summary>
    public float Dropout { get; }

    /// <summary>Embeds a batch: [B, L, H].</summary>
    /// <exception cref="ArgumentException">The batch is longer than the position table or an id is out of range.</exception>
    public Tensor Forward(BertBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        int positions = Position.Weight.Dim(0);
        if (batch.Length > positions)
        {
            throw new ArgumentException($"BertEmbeddings: sequence length {batch.Length} exceeds the {positions} position embeddings.", nameof(batch));
        }

        int[] shape = [batch.Size, batch.Length];
        var positionIds = new int[batch.Ids.Length];
        for (int i = 0; i < positionIds.Length; i++) positionIds[i] = i % batch.Length;
        Tensor sum = Ops.Add(Ops.Add(Word.Forward(batch.Ids, shape), Position.Forward(positionIds, shape)), TokenType.Forward(batch.TypeIds, shape));
        return Ops.Dropout(Norm.Forward(sum), Dropout, rng, Training);
    }

    /// <inheritdoc />
    protected override IEnumerable<(string Name, Module Child)> NamedChildren()
    {
        yield return ("word", Word);
        yield return ("position", Position);
        yield return ("token_type", TokenType);
        yield return ("ln", Norm);
    }
}
