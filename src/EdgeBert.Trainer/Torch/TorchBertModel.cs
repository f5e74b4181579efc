using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Torch.Quantization;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Torch;

/// <summary>What <see cref="TorchBertModel"/> computes for a batch.</summary>
/// <param name="Hidden">The last layer's hidden states [B, L, H].</param>
/// <param name="Pooled">tanh(pooler(h[CLS])) [B, H].</param>
/// <param name="Logits">The classifier's logits [B, labels], or null for a model without labels.</param>
/// <param name="Trace">Every hidden state and every layer's attention tensors, for distillation (null when not asked for).</param>
public sealed record TorchBertOutput(Tensor Hidden, Tensor Pooled, Tensor? Logits, TorchBertTrace? Trace = null);

/// <summary>The tensors distillation reads from a forward (every layer's hidden states and attention tensors).</summary>
/// <param name="HiddenStates">The embedding output, then every layer's output [B, L, H].</param>
/// <param name="AttentionScores">Every layer's q·kᵀ/√d before the mask [B, heads, L, L].</param>
/// <param name="Queries">Every layer's query heads before any transform [B, heads, L, d].</param>
/// <param name="Keys">Every layer's key heads.</param>
/// <param name="Values">Every layer's value heads.</param>
public sealed record TorchBertTrace(IReadOnlyList<Tensor> HiddenStates, IReadOnlyList<Tensor> AttentionScores,
    IReadOnlyList<Tensor> Queries, IReadOnlyList<Tensor> Keys, IReadOnlyList<Tensor> Values);

/// <summary>
/// The trainer's BERT (encoder, pooler, optional classifier, MLM head) as TorchSharp <c>torch.nn</c>
/// modules on LibTorch: <see cref="NamedWeights"/>
/// gives every parameter under the model file's name (<c>embeddings.word</c>,
/// <c>layer.{i}.attention.query.weight</c>, <c>pooler.weight</c>, <c>classifier.weight</c>,
/// <c>mlm.*</c>, ...); quantizers attach through <c>Quantization/TorchQuantizedModules</c>.
/// </summary>
public sealed class TorchBertModel : nn.Module<Tensor, Tensor, Tensor, TorchBertOutput>
{
    private readonly TorchBertEmbeddings embeddings;
    private readonly ModuleList<TorchBertLayer> layer;
    private readonly Linear pooler;
    private readonly Linear? classifier;
    private readonly Dropout dropout;
    private readonly TorchMlmHead mlm;

    /// <summary>A freshly initialised model (N(0, 0.02²) weights, LayerNorm 1/0, zero biases; LibTorch's generator).</summary>
    /// <exception cref="ArgumentException">The configuration is invalid.</exception>
    public TorchBertModel(BertConfig config) : base(nameof(TorchBertModel))
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        embeddings = new TorchBertEmbeddings(config);
        layer = nn.ModuleList(Enumerable.Range(0, config.Layers).Select(_ => new TorchBertLayer(config)).ToArray());
        pooler = TorchInit.Linear(config.Hidden, config.Hidden);
        classifier = config.Labels.Count > 0 ? TorchInit.Linear(config.Hidden, config.Labels.Count) : null;
        dropout = nn.Dropout(config.HiddenDropout);
        mlm = new TorchMlmHead(config, () => embeddings.Word.weight!);
        RegisterComponents();
    }

    /// <summary>What padding adds to an attention score (−10000, as BERT and the runtime).</summary>
    public const float MaskedScore = -10000f;

    /// <summary>The configuration.</summary>
    public BertConfig Config { get; }

    /// <summary>The MLM head (decodes through the word embedding table).</summary>
    public TorchMlmHead Mlm => mlm;

    /// <summary>Whether <see cref="forward"/> returns a <see cref="TorchBertTrace"/> (for distillation).</summary>
    public bool Trace { get; set; }

    /// <summary>The embeddings (quantization hooks).</summary>
    public TorchBertEmbeddings Embeddings => embeddings;

    /// <summary>The encoder layers.</summary>
    public IReadOnlyList<TorchBertLayer> Layers => [.. layer];

    /// <summary>The pooler dense layer (tanh is applied in <see cref="forward"/>).</summary>
    public Linear Pooler => pooler;

    /// <summary>
    /// Runs the model on ids and type ids [B, L] (int64) with <paramref name="keep"/> [B, L] (1 for
    /// real tokens, 0 for padding; any dtype), padding masked additively with −10000 as the current
    /// trainer and the runtime do.
    /// </summary>
    public override TorchBertOutput forward(Tensor ids, Tensor typeIds, Tensor keep)
    {
        using var scope = NewDisposeScope();
        Tensor x = embeddings.forward(ids, typeIds);
        Tensor mask = ((1.0 - keep.to(x.dtype)) * MaskedScore).view(keep.shape[0], 1, 1, keep.shape[1]);
        var hidden = new List<Tensor> { x };
        var scores = new List<Tensor>();
        var queries = new List<Tensor>();
        var keys = new List<Tensor>();
        var values = new List<Tensor>();
        foreach (TorchBertLayer l in layer)
        {
            (x, TorchAttentionOutput a) = l.ForwardTraced(x, mask);
            if (!Trace) continue;
            hidden.Add(x);
            scores.Add(a.Scores);
            queries.Add(a.Query);
            keys.Add(a.Key);
            values.Add(a.Value);
        }

        Tensor pooled = TorchQuantizedModules.Forward(pooler, x.select(1, 0)).tanh();
        Tensor? logits = classifier?.forward(dropout.forward(pooled));
        TorchBertTrace? trace = null;
        if (Trace)
        {
            static IReadOnlyList<Tensor> Keep(List<Tensor> ts) => ts.Select(t => t.MoveToOuterDisposeScope()).ToArray();
            trace = new TorchBertTrace(Keep(hidden), Keep(scores), Keep(queries), Keep(keys), Keep(values));
        }
        return new TorchBertOutput(x.MoveToOuterDisposeScope(), pooled.MoveToOuterDisposeScope(), logits?.MoveToOuterDisposeScope(), trace);
    }

    /// <summary>Runs the model on a padded batch (<see cref="BertBatch"/>).</summary>
    public TorchBertOutput Forward(BertBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        Device device = embeddings.Word.weight!.device;
        using Tensor ids = tensor(batch.Ids.Select(i => (long)i).ToArray(), [batch.Size, batch.Length], device: device);
        using Tensor types = tensor(batch.TypeIds.Select(i => (long)i).ToArray(), [batch.Size, batch.Length], device: device);
        using Tensor keep = tensor(batch.Keep, [batch.Size, batch.Length], device: device);
        return forward(ids, types, keep);
    }

    /// <summary>Every parameter under its model-file name, in the model file's order.</summary>
    public IEnumerable<(string Name, Tensor Parameter)> NamedWeights()
    {
        foreach ((string name, Tensor p) in embeddings.NamedWeights()) yield return ("embeddings." + name, p);
        for (int i = 0; i < layer.Count; i++)
        {
            foreach ((string name, Tensor p) in layer[i].NamedWeights()) yield return ($"layer.{i}.{name}", p);
        }

        foreach ((string name, Tensor p) in TorchInit.LinearWeights("pooler", pooler)) yield return (name, p);
        if (classifier is not null)
        {
            foreach ((string name, Tensor p) in TorchInit.LinearWeights("classifier", classifier)) yield return (name, p);
        }

        foreach ((string name, Tensor p) in mlm.NamedWeights()) yield return ("mlm." + name, p);
    }

    /// <summary>
    /// Copies weights by name and shape from <paramref name="tensors"/> (a model file's tensors, as
    /// <see cref="SafeTensors.Read(string)"/> returns them). Here
    /// <c>mlm.*</c> weights may be missing (they keep their values) and <c>mlm.*</c> tensors the model
    /// lacks are ignored; any other missing, unexpected or misshapen tensor is an error.
    /// </summary>
    /// <exception cref="InvalidDataException">A weight is missing, unexpected, or has the wrong shape.</exception>
    public void LoadWeights(IReadOnlyDictionary<string, SafeTensor> tensors, string source) => LoadWeights(tensors, source, NamedWeights());

    /// <summary>
    /// As <see cref="LoadWeights(IReadOnlyDictionary{string, SafeTensor}, string)"/> into <paramref name="parameters"/>:
    /// the model's weights plus extra trained parameters (e.g. a quantized student's split halves and LSQ steps).
    /// </summary>
    /// <exception cref="InvalidDataException">A weight is missing, unexpected, or has the wrong shape.</exception>
    public static void LoadWeights(IReadOnlyDictionary<string, SafeTensor> tensors, string source, IEnumerable<(string Name, Tensor Parameter)> parameters)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(parameters);
        var expected = parameters.ToDictionary(w => w.Name, w => w.Parameter, StringComparer.Ordinal);
        string? unexpected = tensors.Keys.Order(StringComparer.Ordinal)
            .FirstOrDefault(n => !expected.ContainsKey(n) && !n.StartsWith("mlm.", StringComparison.Ordinal));
        if (unexpected is not null) throw new InvalidDataException($"{source}: tensor '{unexpected}' is not a parameter of this model configuration.");
        using var noGrad = no_grad();
        foreach ((string name, Tensor p) in expected)
        {
            if (!tensors.TryGetValue(name, out SafeTensor? t))
            {
                if (name.StartsWith("mlm.", StringComparison.Ordinal)) continue;
                throw new InvalidDataException($"{source}: weight '{name}' is missing.");
            }
            if (!t.Shape.Select(d => (long)d).SequenceEqual(p.shape))
            {
                throw new InvalidDataException($"{source}: weight '{name}' has shape [{string.Join(",", t.Shape)}], the model expects [{string.Join(",", p.shape)}].");
            }

            using Tensor values = tensor(t.Values, p.shape);
            p.copy_(values);
        }
    }

    /// <summary>Loads a model directory (config.json and model.safetensors).</summary>
    /// <exception cref="InvalidDataException">A file is missing or malformed, or a weight does not fit.</exception>
    public static TorchBertModel Load(string directory)
    {
        var model = new TorchBertModel(ModelDirectory.ReadConfig(directory));
        string weights = Path.Combine(directory, ModelDirectory.WeightsFile);
        if (!File.Exists(weights)) throw new FileNotFoundException($"{directory}: no {ModelDirectory.WeightsFile}", weights);
        model.LoadWeights(SafeTensors.Read(weights), weights);
        return model;
    }
}
