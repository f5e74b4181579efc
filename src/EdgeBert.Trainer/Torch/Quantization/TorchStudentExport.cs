using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Interop;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Quantization;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Torch.Quantization;

/// <summary>
/// Hands a TorchSharp student's weights to the existing exporters (<see cref="TernaryBertExporter"/>,
/// <see cref="BiBertExporter"/>, <see cref="ProgressiveExporter"/>, <see cref="BinaryBertExporter"/>),
/// which quantize with the Core quantizers and write the .ebm: the latent weights, BinaryBERT's split
/// halves and A4 steps are copied to the host as <see cref="ModelWeights"/> in the model file's order.
/// </summary>
public static class TorchStudentExport
{
    private static readonly string[] s_layerLinears = ["attention.query", "attention.key", "attention.value", "attention.output", "ffn.in", "ffn.out"];

    /// <summary>
    /// The quantizers' own parameters under the model file's names: <c>{linear}.weight_split</c> and
    /// <c>{linear}.act_scale</c> of BinaryBERT, and <c>embeddings.word.split</c> (for the optimizer,
    /// checkpoints and the export).
    /// </summary>
    public static IEnumerable<(string Name, Tensor Parameter)> NamedQuantizerParameters(TorchBertModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Linear[] linears = [.. TorchStudentQuantization.QuantizedLinears(model)];
        for (int i = 0; i < linears.Length; i++)
        {
            string name = i / s_layerLinears.Length < model.Layers.Count ? $"layer.{i / s_layerLinears.Length}.{s_layerLinears[i % s_layerLinears.Length]}" : "pooler";
            TorchLinearQuantizer? q = TorchQuantizedModules.Quantizer(linears[i]);
            if (q?.WeightSplit is not null) yield return (name + ".weight_split", q.WeightSplit);
            if (q?.ActivationScale is not null) yield return (name + ".act_scale", q.ActivationScale);
        }
        Tensor? split = TorchStudentQuantization.EmbeddingSplit(model);
        if (split is not null) yield return ("embeddings.word.split", split);
    }

    /// <summary>
    /// Loads a student's model directory (e.g. a quantize stage's <c>best/</c>): a model of its
    /// configuration, <paramref name="install"/>'s quantizers (which create the split halves and LSQ
    /// steps the file holds), then every tensor of the file by name (<c>mlm.*</c> may be missing).
    /// </summary>
    /// <exception cref="InvalidDataException">A file is missing or malformed, or a tensor does not fit.</exception>
    public static TorchBertModel LoadStudent(string directory, Action<TorchBertModel>? install)
    {
        var model = new TorchBertModel(ModelDirectory.ReadConfig(directory));
        install?.Invoke(model);
        string file = Path.Combine(directory, ModelDirectory.WeightsFile);
        if (!File.Exists(file)) throw new FileNotFoundException($"{directory}: no {ModelDirectory.WeightsFile}", file);
        TorchBertModel.LoadWeights(SafeTensors.Read(file), file, [.. model.NamedWeights(), .. NamedQuantizerParameters(model)]);
        return model;
    }

    /// <summary>Every trained parameter of <paramref name="model"/>: its weights and its quantizers' (what checkpoints and best/ hold).</summary>
    public static (string Name, Tensor Parameter)[] TrainedParameters(TorchBertModel model) => [.. model.NamedWeights(), .. NamedQuantizerParameters(model)];

    /// <summary>
    /// <paramref name="model"/>'s weights on the host for the exporters (<see cref="ModelWeights"/>): every
    /// BERT tensor in the model file's order without the MLM head, a split linear's <c>weight_split</c>
    /// and <c>act_scale</c> right after its bias and <c>embeddings.word.split</c> right after the word
    /// table, as the model file has always ordered them.
    /// </summary>
    public static ModelWeights Weights(TorchBertModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Dictionary<string, Tensor> extra = NamedQuantizerParameters(model).ToDictionary(p => p.Name, p => p.Parameter, StringComparer.Ordinal);
        var tensors = new List<NamedWeight>();
        void Add(string name, Tensor p) => tensors.Add(new NamedWeight(name, TorchTensors.Shape(p), TorchSte.HostValues(p, "export " + name)));
        void AddExtra(string name)
        {
            if (extra.Remove(name, out Tensor? p)) Add(name, p);
        }
        foreach ((string name, Tensor p) in model.NamedWeights())
        {
            if (name.StartsWith("mlm.", StringComparison.Ordinal)) continue;
            Add(name, p);
            if (name == StudentExport.WordEmbedding) AddExtra(StudentExport.WordEmbeddingSplit);
            if (!name.EndsWith(".bias", StringComparison.Ordinal)) continue;
            string linear = name[..^".bias".Length];
            AddExtra(linear + ".weight_split");
            AddExtra(linear + ".act_scale");
        }
        if (extra.Count > 0) throw new InvalidOperationException($"export: quantizer parameter '{extra.Keys.First()}' belongs to no weight of the model.");
        return new ModelWeights(model.Config, tensors);
    }
}
