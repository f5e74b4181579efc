using EdgeBert.Trainer.Model;

namespace EdgeBert.Trainer.Interop;

/// <summary>One float32 tensor of a model on the host: its model-file name, shape and row-major values.</summary>
/// <param name="Name">The model-file name, e.g. <c>layer.0.attention.query.weight</c>.</param>
/// <param name="Shape">The dimensions.</param>
/// <param name="Values">The values, row-major.</param>
public sealed record NamedWeight(string Name, int[] Shape, float[] Values)
{
    /// <summary>The first dimension (rows of a matrix).</summary>
    public int Rows => Shape[0];

    /// <summary>The second dimension (columns of a matrix), 1 for a vector.</summary>
    public int Columns => Shape.Length > 1 ? Shape[1] : 1;
}

/// <summary>
/// What the exporters read: a model's configuration and its exported tensors on the host, in the
/// model file's order (embeddings, each layer, pooler, classifier; a split linear's
/// <c>weight_split</c> and <c>act_scale</c> right after its bias, <c>embeddings.word.split</c>
/// right after <c>embeddings.word</c>). The MLM head is never part of it (never exported).
/// </summary>
public sealed class ModelWeights
{
    private readonly Dictionary<string, NamedWeight> byName;

    /// <summary>The weights <paramref name="tensors"/> (in file order) of a model of <paramref name="config"/>.</summary>
    /// <exception cref="ArgumentException">Two tensors share a name, or one belongs to the MLM head.</exception>
    public ModelWeights(BertConfig config, IEnumerable<NamedWeight> tensors)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(tensors);
        Config = config;
        Tensors = [.. tensors];
        byName = new Dictionary<string, NamedWeight>(StringComparer.Ordinal);
        foreach (NamedWeight t in Tensors)
        {
            if (t.Name.StartsWith("mlm.", StringComparison.Ordinal)) throw new ArgumentException($"model weights: '{t.Name}' belongs to the MLM head, which is not exported.");
            if (!byName.TryAdd(t.Name, t)) throw new ArgumentException($"model weights: tensor '{t.Name}' appears twice.");
        }
    }

    /// <summary>The configuration (architecture, labels, tokenizer options).</summary>
    public BertConfig Config { get; }

    /// <summary>Every tensor, in file order.</summary>
    public IReadOnlyList<NamedWeight> Tensors { get; }

    /// <summary>The tensor called <paramref name="name"/>, or null.</summary>
    public NamedWeight? Find(string name) => byName.GetValueOrDefault(name);

    /// <summary>
    /// The linears every quantization method quantizes, by model-file prefix: the six of each layer
    /// (<c>layer.{i}.attention.query</c>, <c>.key</c>, <c>.value</c>, <c>.output</c>, <c>layer.{i}.ffn.in</c>,
    /// <c>.out</c>) and the <c>pooler</c>.
    /// </summary>
    public IEnumerable<string> QuantizedLinears() =>
        Enumerable.Range(0, Config.Layers)
            .SelectMany(i => new[] { "attention.query", "attention.key", "attention.value", "attention.output", "ffn.in", "ffn.out" }.Select(n => $"layer.{i}.{n}"))
            .Append("pooler");
}
