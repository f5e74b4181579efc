using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Torch;

/// <summary>
/// BERT self-attention on LibTorch (the twin of <see cref="Nn.MultiHeadSelfAttention"/>): query,
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

    /// <summary>Attends over x [B, L, H] with the additive mask [B, 1, 1, L]; returns the projected context [B, L, H].</summary>
    public override Tensor forward(Tensor x, Tensor mask)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], l = x.shape[1];
        Tensor q = SplitHeads(query.forward(x), b, l);
        Tensor k = SplitHeads(key.forward(x), b, l);
        Tensor v = SplitHeads(value.forward(x), b, l);
        Tensor scores = matmul(q, k.transpose(-1, -2)) / Math.Sqrt(HeadSize);
        Tensor probabilities = dropout.forward((scores + mask).softmax(-1));
        Tensor context = matmul(probabilities, v).permute(0, 2, 1, 3).reshape(b, l, Heads * HeadSize);
        return output.forward(context).MoveToOuterDisposeScope();
    }

    private Tensor SplitHeads(Tensor t, long b, long l) => t.view(b, l, Heads, HeadSize).permute(0, 2, 1, 3);

    /// <summary>The parameters under their EdgeBert names, relative to <c>attention</c>.</summary>
    internal IEnumerable<(string Name, Tensor Parameter)> NamedWeights() =>
        TorchInit.LinearWeights("query", query).Concat(TorchInit.LinearWeights("key", key))
            .Concat(TorchInit.LinearWeights("value", value)).Concat(TorchInit.LinearWeights("output", output));
}
