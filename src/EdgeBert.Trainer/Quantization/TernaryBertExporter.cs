using EdgeBert.Encoder;
using EdgeBert.Encoder.Quantization;
using EdgeBert.Format;
using EdgeBert.Tooling;
using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Interop;
using EdgeBert.Trainer.Model;

namespace EdgeBert.Trainer.Quantization;

/// <summary>
/// Exports a TernaryBERT student as a W2A8 .ebm: the same tensors as <see cref="EbmExporter"/>,
/// but every encoder linear and the pooler through <see cref="LinearExporter"/> (TWN, per-tensor α),
/// the word embedding ternary per row, layers marked 2/8 with method ternarybert.
/// </summary>
public static class TernaryBertExporter
{
    /// <summary>Builds the writer for the latent FP32 weights of <paramref name="model"/>.</summary>
    /// <exception cref="ArgumentException">The Core writer rejects the metadata or a tensor.</exception>
    public static EbmWriter Build(ModelWeights model, IReadOnlyList<string> vocabulary, ModelScores? scores = null, string? task = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(vocabulary);
        var layer = new LayerScheme { WeightBits = 2, ActivationBits = 8, Method = QuantMethod.TernaryBert };
        EbmMetadata metadata = StudentExport.Metadata(model, vocabulary, scores, task, layer, "ternarybert W2A8 export");
        return StudentExport.Write(metadata, vocabulary, model, StudentExport.EncoderAndPoolerWeights(model),
            static (w, t) => LinearExporter.AddTernaryRows(w, t.Name, t.Values, t.Rows, t.Columns),
            static (w, t) => LinearExporter.AddWeight(w, t.Name, LinearScheme.W2A8, t.Values, t.Rows, t.Columns));
    }
}
