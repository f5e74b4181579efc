using EdgeBert.Format;
using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Interop;
using EdgeBert.Trainer.Model;

namespace EdgeBert.Trainer.Quantization;

/// <summary>
/// What the exporters of the quantized students share: the metadata of the FP32 export (which owns
/// the architecture, labels, tokenizer and provenance) with only the layer schemes, the method and
/// the notes changed, and one pass over the parameters that writes the word embedding and the
/// quantized weights the method's way and everything else (biases, LayerNorm, position and type
/// embeddings, classifier) as f32. The MLM head is never exported.
/// </summary>
internal static class StudentExport
{
    /// <summary>
    /// The FP32 export's metadata of <paramref name="model"/> (with <paramref name="vocabulary"/>,
    /// <paramref name="scores"/> and <paramref name="task"/> in the provenance) with every layer set to
    /// <paramref name="layer"/>, its method as the provenance's, <paramref name="attention"/> when given,
    /// and <paramref name="teacherScore"/> when given. <paramref name="notes"/> replaces "fp32 export"
    /// in the provenance notes (e.g. "ternarybert W2A8 export").
    /// </summary>
    public static EbmMetadata Metadata(BertModel model, IReadOnlyList<string> vocabulary, ModelScores? scores, string? task,
        LayerScheme layer, string notes, AttentionKind? attention = null, double? teacherScore = null)
    {
        EbmMetadata m;
        using (EbmFile fp32 = EbmFile.Load(EbmExporter.Build(model, vocabulary, scores, task).ToArray())) m = fp32.Metadata;
        return m with
        {
            Architecture = attention is { } kind ? m.Architecture with { Attention = kind } : m.Architecture,
            Layers = [.. Enumerable.Repeat(layer, model.Config.Layers)],
            Provenance = m.Provenance! with
            {
                Method = layer.Method,
                TeacherScore = teacherScore ?? m.Provenance.TeacherScore,
                Notes = (m.Provenance.Notes ?? "").Replace("fp32 export", notes, StringComparison.Ordinal),
            },
        };
    }

    /// <summary>
    /// Writes the parameters of <paramref name="model"/> in their order: the word embedding (and a
    /// split half of it) through <paramref name="wordEmbedding"/>, the tensors in
    /// <paramref name="quantizedWeights"/> through <paramref name="quantizedWeight"/>, the rest as f32.
    /// </summary>
    public static EbmWriter Write(EbmMetadata metadata, IReadOnlyList<string> vocabulary, BertModel model, IEnumerable<Tensor> quantizedWeights,
        Action<EbmWriter, string, Tensor> wordEmbedding, Action<EbmWriter, string, Tensor> quantizedWeight)
    {
        var writer = new EbmWriter(metadata, vocabulary);
        var weights = new HashSet<Tensor>(quantizedWeights, ReferenceEqualityComparer.Instance);
        foreach ((string name, Tensor p) in model.NamedParameters())
        {
            if (name.StartsWith("mlm.", StringComparison.Ordinal)) continue;
            if (ReferenceEquals(p, model.Embeddings.Word.Weight) || ReferenceEquals(p, model.Embeddings.Word.WeightSplit)) wordEmbedding(writer, name, p);
            else if (weights.Contains(p)) quantizedWeight(writer, name, p);
            else writer.AddF32(name, p.Shape, p.Data);
        }
        return writer;
    }

    /// <summary>The weights of the six linears of every layer and of the pooler (TernaryBERT's and BiBERT's quantized set).</summary>
    public static IEnumerable<Tensor> EncoderAndPoolerWeights(BertModel model) =>
        model.Layers.SelectMany(TernaryBertQuantization.QuantizedLinears).Append(model.Pooler).Select(l => l.Weight);
}
