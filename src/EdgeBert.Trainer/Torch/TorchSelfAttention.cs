using EdgeBert.Trainer.Torch.Quantization;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Torch;

/// <summary>What <see cref="TorchSelfAttention.ForwardTraced"/> computes, for distillation.</summary>
/// <param name="Output">The projected context [B, L, H].</param>
/// <param name="Scores">q·kᵀ/√d before the mask [B, heads, L, L] (of the transformed q and k).</param>
/// <param name="Query">The query projection per head before any transform [B, heads, L, d].</param>
/// <param name="Key">The key projection per head before any transform.</param>
/// <param name="Value">The value projection per head before any transform.</param>
public sealed record TorchAttentionOutput(Tensor Output, Tensor Scores, Tensor Query, Tensor Key, Tensor Value);

/// <summary>
/// BERT self-attention on LibTorch: query,
/// key and value projections to heads × headSize, softmax(q·kᵀ/√d + mask) with dropout, context,
/// output projection. EdgeBert names: <c>{query|key|value|output}.{weight|bias}</c>.
/// </summary>
public sealed class TorchSelfAttention : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear query;
    private readonly Linear key;
    private readonly Linear value;
    private readonly Linear output;
    private readonly Dropout dropout;

    /// <summary>Attention over <paramref name="hidden"/> features with <paramref name="heads"/> heads of <paramref name="headSize"/> dimensions.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is less than 1 or the dropout is outside [0, 1).</exception>
    public TorchSelfAttention(int hidden, int heads, int headSize, float attentionDropout) : base(nameof(TorchSelfAttention))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hidden, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(heads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(headSize, 1);
        if (!(attentionDropout >= 0f && attentionDropout < 1f)) throw new ArgumentOutOfRangeException(nameof(attentionDropout));
        Heads = heads;
        HeadSize = headSize;
        int width = heads * headSize;
        query = TorchInit.Linear(hidden, width);
        key = TorchInit.Linear(hidden, width);
        value = TorchInit.Linear(hidden, width);
        output = TorchInit.Linear(width, hidden);
        dropout = nn.Dropout(attentionDropout);
        RegisterComponents();
    }

    /// <summary>The number of heads.</summary>
    public int Heads { get; }

    /// <summary>Dimensions per head d.</summary>
    public int HeadSize { get; }

    /// <summary>A transform of the query heads before q·kᵀ (BiBERT: sign), or null.</summary>
    public Func<Tensor, Tensor>? QueryTransform { get; set; }

    /// <summary>A transform of the key heads, or null.</summary>
    public Func<Tensor, Tensor>? KeyTransform { get; set; }

    /// <summary>A transform of the value heads, or null.</summary>
    public Func<Tensor, Tensor>? ValueTransform { get; set; }

    /// <summary>The attention weights from (scores, mask) instead of softmax(scores + mask) (BiBERT: bool), or null.</summary>
    public Func<Tensor, Tensor, Tensor>? AttentionFunction { get; set; }

    /// <summary>Dropout on the scores before the attention function (BiBERT) instead of on the weights.</summary>
    public bool DropoutOnScores { get; set; }

    /// <summary>The linears in the model file's order: query, key, value, output.</summary>
    internal IEnumerable<Linear> Linears => [query, key, value, output];

    /// <summary>The output projection (its input is the heads' context, head by head).</summary>
    internal Linear OutputLinear => output;

    /// <summary>Attends over x [B, L, H] with the additive mask [B, 1, 1, L]; returns the projected context [B, L, H].</summary>
    public override Tensor forward(Tensor x, Tensor mask)
    {
        using var scope = NewDisposeScope();
        return ForwardTraced(x, mask).Output.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The forward with the tensors distillation needs (the current trainer's <c>AttentionResult</c>);
    /// all of them are in the caller's dispose scope.
    /// </summary>
    public TorchAttentionOutput ForwardTraced(Tensor x, Tensor mask)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], l = x.shape[1];
        Tensor queryHeads = SplitHeads(TorchQuantizedModules.Forward(query, x), b, l);
        Tensor keyHeads = SplitHeads(TorchQuantizedModules.Forward(key, x), b, l);
        Tensor valueHeads = SplitHeads(TorchQuantizedModules.Forward(value, x), b, l);
        Tensor q = QueryTransform is null ? queryHeads : QueryTransform(queryHeads);
        Tensor k = KeyTransform is null ? keyHeads : KeyTransform(keyHeads);
        Tensor v = ValueTransform is null ? valueHeads : ValueTransform(valueHeads);
        Tensor scores = matmul(q, k.transpose(-1, -2)) / Math.Sqrt(HeadSize);
        Tensor weights = DropoutOnScores
            ? Weights(dropout.forward(scores), mask)
            : dropout.forward(Weights(scores, mask));
        Tensor context = matmul(weights, v).permute(0, 2, 1, 3).reshape(b, l, Heads * HeadSize);
        Tensor projected = TorchQuantizedModules.Forward(output, context);
        return new TorchAttentionOutput(projected.MoveToOuterDisposeScope(), scores.MoveToOuterDisposeScope(),
            queryHeads.MoveToOuterDisposeScope(), keyHeads.MoveToOuterDisposeScope(), valueHeads.MoveToOuterDisposeScope());
    }

    private Tensor Weights(Tensor scores, Tensor mask) => AttentionFunction is null ? (scores + mask).softmax(-1) : AttentionFunction(scores, mask);

    private Tensor SplitHeads(Tensor t, long b, long l) => t.view(b, l, Heads, HeadSize).permute(0, 2, 1, 3);

    /// <summary>The parameters under their EdgeBert names, relative to <c>attention</c>.</summary>
    internal IEnumerable<(string Name, Tensor Parameter)> NamedWeights() =>
        TorchInit.LinearWeights("query", query).Concat(TorchInit.LinearWeights("key", key))
            .Concat(TorchInit.LinearWeights("value", value)).Concat(TorchInit.LinearWeights("output", output));
}
