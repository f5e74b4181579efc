using EdgeBert.Format;
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
    public static EbmMetadata Metadata(ModelWeights model, IReadOnlyList<string> vocabulary, ModelScores? scores, string? task,
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
    /// Writes the tensors of <paramref name="model"/> in their order: the word embedding (and its
    /// split half) through <paramref name="wordEmbedding"/>, the tensors named in
    /// <paramref name="quantizedWeights"/> through <paramref name="quantizedWeight"/>, the rest as f32.
    /// </summary>
    public static EbmWriter Write(EbmMetadata metadata, IReadOnlyList<string> vocabulary, ModelWeights model, IEnumerable<string> quantizedWeights,
        Action<EbmWriter, NamedWeight> wordEmbedding, Action<EbmWriter, NamedWeight> quantizedWeight)
    {
        var writer = new EbmWriter(metadata, vocabulary);
        var weights = new HashSet<string>(quantizedWeights, StringComparer.Ordinal);
        foreach (NamedWeight t in model.Tensors)
        {
            if (t.Name is WordEmbedding or WordEmbeddingSplit) wordEmbedding(writer, t);
            else if (weights.Contains(t.Name)) quantizedWeight(writer, t);
            else writer.AddF32(t.Name, t.Shape, t.Values);
        }
        return writer;
    }

    /// <summary>The word embedding table's name.</summary>
    public const string WordEmbedding = "embeddings.word";

    /// <summary>The second half of a split word embedding (BinaryBERT).</summary>
    public const string WordEmbeddingSplit = "embeddings.word.split";

    /// <summary>The weights of the six linears of every layer and of the pooler (the quantized set of every method).</summary>
    public static IEnumerable<string> EncoderAndPoolerWeights(ModelWeights model) => model.QuantizedLinears().Select(l => l + ".weight");
}
