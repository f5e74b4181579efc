using EdgeBert.Encoder.Quantization;
using EdgeBert.Format;
using EdgeBert.Tooling;
using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Interop;
using EdgeBert.Trainer.Model;

namespace EdgeBert.Trainer.Quantization;

/// <summary>
/// Exports a split BinaryBERT student as a W1A8 or W1A4 .ebm: every encoder linear and the
/// pooler as two binary tensors, <c>{linear}.weight</c> and <c>{linear}.weight_split</c>, each BWN
/// with one α per tensor (<see cref="LinearExporter.AddBinaryBwn"/>), and one f32 bias; the word
/// embedding as <c>embeddings.word</c> + <c>embeddings.word.split</c>, BWN per row. The
/// architecture records the head size (half-width attention) and the FFN activation (ReLU at A4).
/// At A4 every quantized linear's LSQ step goes out as <c>{linear}.act_scale</c> (f32 [1]).
/// </summary>
public static class BinaryBertExporter
{
    /// <summary>Builds the writer for the latent FP32 weights of a split <paramref name="model"/>.</summary>
    /// <exception cref="ArgumentException">The model is not split, the bits are not 8 or 4, or the Core writer rejects it.</exception>
    /// <param name="model">The split student (latent weights).</param>
    /// <param name="vocabulary">The tokens, id order.</param>
    /// <param name="activationBits">8 or 4.</param>
    /// <param name="scores">The student's scores for the provenance, or null.</param>
    /// <param name="task">Task name, or null.</param>
    /// <param name="teacherScore">The FP32 teacher's score on the same split and metric (provenance), or null.</param>
    public static EbmWriter Build(ModelWeights model, IReadOnlyList<string> vocabulary, int activationBits, ModelScores? scores = null, string? task = null, double? teacherScore = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(vocabulary);
        if (activationBits is not (8 or 4)) throw new ArgumentException($"binarybert export: activation bits must be 8 or 4 (got {activationBits}).");
        string[] linears = [.. model.QuantizedLinears()];
        if (model.Find(StudentExport.WordEmbeddingSplit) is null || linears.Any(l => model.Find(l + ".weight_split") is null))
            throw new ArgumentException("binarybert export: the model is not split (apply ternary weight splitting first).");
        if (activationBits == 4 && linears.Any(l => model.Find(l + ".act_scale") is not { } s || !(s.Values[0] > 0f)))
            throw new ArgumentException("binarybert export: a W1A4 model needs a trained LSQ step (act_scale > 0) on every quantized linear.");
        if (activationBits == 8 && linears.Any(l => model.Find(l + ".act_scale") is not null))
            throw new ArgumentException("binarybert export: a W1A8 model has no static activation steps (act_scale); was it trained at A4?");
        BertConfig c = model.Config;
        var layer = new LayerScheme { WeightBits = 1, ActivationBits = activationBits, Method = QuantMethod.BinaryBert };
        EbmMetadata metadata = StudentExport.Metadata(model, vocabulary, scores, task, layer,
            $"binarybert W1A{activationBits} export (ternary weight splitting, {c.Heads}×{c.AttentionHeadSize} attention, FFN {c.Ffn})", teacherScore: teacherScore);
        return StudentExport.Write(metadata, vocabulary, model, linears.Select(l => l + ".weight").Concat(linears.Select(l => l + ".weight_split")),
            static (w, t) => LinearExporter.AddBinaryBwn(w, t.Name, t.Values, t.Rows, t.Columns, perRow: true),
            static (w, t) => LinearExporter.AddBinaryBwn(w, t.Name, t.Values, t.Rows, t.Columns, perRow: false));
    }
}
