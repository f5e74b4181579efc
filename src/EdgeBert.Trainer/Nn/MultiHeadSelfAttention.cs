using EdgeBert.Trainer.Autograd;

namespace EdgeBert.Trainer.Nn;

/// <summary>What self-attention produced; the scores and probabilities feed attention distillation.</summary>
/// <param name="Output">The projected context [B, L, H] (before dropout and the residual).</param>
/// <param name="Scores">Scaled scores q·kᵀ/√d [B, heads, L, L], without the mask.</param>
/// <param name="Probabilities">softmax(scores + mask) [B, heads, L, L], before attention dropout.</param>
/// <param name="Query">The query heads [B, heads, L, d] before <see cref="MultiHeadSelfAttention.QueryTransform"/> (BiBERT's DMD), or null.</param>
/// <param name="Key">The key heads before <see cref="MultiHeadSelfAttention.KeyTransform"/>, or null.</param>
/// <param name="Value">The value heads before <see cref="MultiHeadSelfAttention.ValueTransform"/>, or null.</param>
public sealed record AttentionResult(Tensor Output, Tensor Scores, Tensor Probabilities, Tensor? Query = null, Tensor? Key = null, Tensor? Value = null);

/// <summary>
/// BERT self-attention: query, key and value projections, scaled dot-product attention per head
/// with an additive padding mask, dropout on the probabilities, and the output projection
/// (HF's BertSelfAttention plus BertSelfOutput's dense layer).
/// </summary>
public sealed class MultiHeadSelfAttention : Module
{
    private readonly Random rng;

    /// <summary>Attention over <paramref name="hidden"/> features split into <paramref name="heads"/> heads.</summary>
    /// <exception cref="ArgumentException">hidden is not divisible by heads, or dropout is outside [0, 1).</exception>
    public MultiHeadSelfAttention(int hidden, int heads, Random rng, float attentionDropout = 0.1f)
        : this(hidden, heads, heads > 0 && hidden > 0 && hidden % heads == 0 ? hidden / heads : throw new ArgumentException($"hidden {hidden} is not divisible by {heads} heads.", nameof(hidden)), rng, attentionDropout)
    {
    }

    /// <summary>
    /// Attention with <paramref name="heads"/> heads of <paramref name="headSize"/> dimensions each:
    /// Q, K, V map hidden → heads·headSize and the output maps heads·headSize → hidden (a
    /// width-pruned layer keeps its teacher's head size with fewer heads).
    /// </summary>
    /// <exception cref="ArgumentException">A size is less than 1, or dropout is outside [0, 1).</exception>
    public MultiHeadSelfAttention(int hidden, int heads, int headSize, Random rng, float attentionDropout = 0.1f)
    {
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfLessThan(heads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(headSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hidden, 1);
        if (!(attentionDropout >= 0f && attentionDropout < 1f)) throw new ArgumentOutOfRangeException(nameof(attentionDropout));
        this.rng = rng;
        Heads = heads;
        HeadSize = headSize;
        AttentionDropout = attentionDropout;
        int width = heads * headSize;
        Query = new Linear(hidden, width, rng);
        Key = new Linear(hidden, width, rng);
        Value = new Linear(hidden, width, rng);
        Output = new Linear(width, hidden, rng);
    }

    /// <summary>The number of heads.</summary>
    public int Heads { get; }

    /// <summary>Dimensions per head d (the scores are scaled by 1/√d).</summary>
    public int HeadSize { get; }

    /// <summary>Dropout probability on the attention probabilities (training only).</summary>
    public float AttentionDropout { get; }

    /// <summary>The query projection.</summary>
    public Linear Query { get; }

    /// <summary>The key projection.</summary>
    public Linear Key { get; }

    /// <summary>The value projection.</summary>
    public Linear Value { get; }

    /// <summary>The output projection.</summary>
    public Linear Output { get; }

    /// <summary>Applied to the query heads [B, heads, L, d] before the scores (e.g. BiBERT's sign); null for none.</summary>
    public Func<Tensor, Tensor>? QueryTransform { get; set; }

    /// <summary>Applied to the key heads [B, heads, L, d] before the scores; null for none.</summary>
    public Func<Tensor, Tensor>? KeyTransform { get; set; }

    /// <summary>Applied to the value heads [B, heads, L, d] before the context product; null for none.</summary>
    public Func<Tensor, Tensor>? ValueTransform { get; set; }

    /// <summary>
    /// Turns (scores, additive mask or null) into attention weights; null means
    /// <see cref="Ops.Softmax"/>. BiBERT's Bi-Attention (bool(A) with an STE) plugs in here.
    /// </summary>
    public Func<Tensor, Tensor?, Tensor>? AttentionFunction { get; set; }

    /// <summary>
    /// When true, attention dropout is applied to the scores before <see cref="AttentionFunction"/>
    /// (BiBERT drops entries of A itself, so bool() of a dropped entry is 0) instead of to its output;
    /// <see cref="AttentionResult.Probabilities"/> are then the weights after dropout.
    /// </summary>
    public bool DropoutOnScores { get; set; }

    /// <summary>Attends over x [B, L, H]; <paramref name="mask"/> is additive [B, 1, 1, L] (see <see cref="AttentionMask"/>) or null.</summary>
    public AttentionResult Forward(Tensor x, Tensor? mask)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank != 3) throw new ArgumentException($"Self-attention needs [B, L, H], got {x}.", nameof(x));
        Tensor queryHeads = Ops.SplitHeads(Query.Forward(x), Heads);
        Tensor keyHeads = Ops.SplitHeads(Key.Forward(x), Heads);
        Tensor valueHeads = Ops.SplitHeads(Value.Forward(x), Heads);
        Tensor q = Apply(QueryTransform, queryHeads);
        Tensor k = Apply(KeyTransform, keyHeads);
        Tensor v = Apply(ValueTransform, valueHeads);
        Tensor scores = Ops.Scale(Ops.MatMul(q, k, transposeB: true), 1f / MathF.Sqrt(HeadSize));
        Tensor probabilities, dropped;
        if (DropoutOnScores)
        {
            Tensor input = Ops.Dropout(scores, AttentionDropout, rng, Training);
            probabilities = dropped = AttentionFunction is null ? Ops.Softmax(input, mask) : AttentionFunction(input, mask);
        }
        else
        {
            probabilities = AttentionFunction is null ? Ops.Softmax(scores, mask) : AttentionFunction(scores, mask);
            dropped = Ops.Dropout(probabilities, AttentionDropout, rng, Training);
        }
        Tensor context = Ops.MergeHeads(Ops.MatMul(dropped, v));
        return new AttentionResult(Output.Forward(context), scores, probabilities, queryHeads, keyHeads, valueHeads);
    }

    private static Tensor Apply(Func<Tensor, Tensor>? transform, Tensor t) => transform is null ? t : transform(t);

    /// <inheritdoc />
    protected override IEnumerable<(string Name, Module Child)> NamedChildren()
    {
        yield return ("query", Query);
        yield return ("key", Key);
        yield return ("value", Value);
        yield return ("output", Output);
    }
}
