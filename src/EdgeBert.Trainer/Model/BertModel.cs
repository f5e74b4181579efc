using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Nn;
using EdgeBert.Trainer.Training;

namespace EdgeBert.Trainer.Model;

/// <summary>
/// A BERT encoder of configurable size with pooler, optional sequence classifier and MLM head.
/// Parameter names are the model file's (<c>embeddings.word</c>, <c>layer.{i}.attention.query.weight</c>,
/// <c>pooler.weight</c>, <c>classifier.weight</c>) plus <c>mlm.*</c> for the pretraining head.
/// </summary>
public sealed class BertModel : Module
{
    private readonly BertLayer[] layers;

    /// <summary>A freshly initialised model (N(0, 0.02) weights, LayerNorm 1/0, zero biases).</summary>
    /// <param name="config">Sizes; validated.</param>
    /// <param name="rng">Initialises the weights and then drives every dropout mask; its state is checkpointed.</param>
    /// <exception cref="ArgumentException">The configuration is invalid.</exception>
    public BertModel(BertConfig config, TrainingRandom rng)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(rng);
        config.Validate();
        Config = config;
        Random = rng;
        Embeddings = new BertEmbeddings(config, rng);
        layers = new BertLayer[config.Layers];
        for (int i = 0; i < layers.Length; i++)
        {
            layers[i] = new BertLayer(config.Hidden, config.Heads, config.AttentionHeadSize, config.Ffn, rng, config.HiddenDropout,
                config.AttentionDropout, config.LayerNormEps, relu: config.HiddenAct == "relu");
        }

        Pooler = new Linear(config.Hidden, config.Hidden, rng);
        Classifier = config.Labels.Count > 0 ? new Linear(config.Hidden, config.Labels.Count, rng) : null;
        Mlm = new MlmHead(config, Embeddings.Word, rng);
    }

    /// <summary>The configuration.</summary>
    public BertConfig Config { get; }

    /// <summary>The generator behind dropout (saved in checkpoints so a resumed run draws the same masks).</summary>
    public TrainingRandom Random { get; }

    /// <summary>The embeddings.</summary>
    public BertEmbeddings Embeddings { get; }

    /// <summary>The encoder layers.</summary>
    public IReadOnlyList<BertLayer> Layers => layers;

    /// <summary>The pooler dense layer (tanh is applied in <see cref="Forward"/>).</summary>
    public Linear Pooler { get; }

    /// <summary>The classifier on the pooled output, or null without labels.</summary>
    public Linear? Classifier { get; }

    /// <summary>The MLM head.</summary>
    public MlmHead Mlm { get; }

    /// <summary>Runs the encoder, pooler and classifier on a padded batch.</summary>
    public BertOutput Forward(BertBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        Tensor mask = AttentionMask.FromPadding(batch.Keep, batch.Size, batch.Length);
        Tensor x = Embeddings.Forward(batch);
        var hidden = new List<Tensor>(layers.Length + 1) { x };
        var scores = new List<Tensor>(layers.Length);
        var probabilities = new List<Tensor>(layers.Length);
        var queries = new List<Tensor>(layers.Length);
        var keys = new List<Tensor>(layers.Length);
        var values = new List<Tensor>(layers.Length);
        foreach (BertLayer layer in layers)
        {
            BertLayerOutput o = layer.Forward(x, mask);
            x = o.Hidden;
            hidden.Add(x);
            scores.Add(o.AttentionScores);
            probabilities.Add(o.AttentionProbabilities);
            if (o.Query is not null && o.Key is not null && o.Value is not null)
            {
                queries.Add(o.Query);
                keys.Add(o.Key);
                values.Add(o.Value);
            }
        }

        var clsRows = new int[batch.Size];
        for (int b = 0; b < clsRows.Length; b++) clsRows[b] = b * batch.Length;
        Tensor cls = Ops.GatherRows(Ops.Reshape(x, batch.Size * batch.Length, Config.Hidden), clsRows);
        Tensor pooled = Ops.Tanh(Pooler.Forward(cls));
        Tensor? logits = Classifier?.Forward(Ops.Dropout(pooled, Config.HiddenDropout, Random, Training));
        bool projections = queries.Count == layers.Length;
        return new BertOutput(x, hidden, scores, probabilities, pooled, logits,
            projections ? queries : null, projections ? keys : null, projections ? values : null);
    }

    /// <inheritdoc />
    protected override IEnumerable<(string Name, Module Child)> NamedChildren()
    {
        yield return ("embeddings", Embeddings);
        for (int i = 0; i < layers.Length; i++) yield return ($"layer.{i}", layers[i]);
        yield return ("pooler", Pooler);
        if (Classifier is not null) yield return ("classifier", Classifier);
        yield return ("mlm", Mlm);
    }
}
