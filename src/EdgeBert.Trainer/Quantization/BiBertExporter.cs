using EdgeBert.Encoder;
using EdgeBert.Encoder.Quantization;
using EdgeBert.Format;
using EdgeBert.Tooling;
using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Interop;
using EdgeBert.Trainer.Model;

namespace EdgeBert.Trainer.Quantization;

/// <summary>
/// Exports a BiBERT student as a W1A1 bi-attention .ebm: the same tensors as <see cref="EbmExporter"/>,
/// but every encoder linear and the pooler binary with per-row α through <see cref="LinearExporter"/>
/// (the Core <see cref="BinaryQuantizer"/>, so the packed bits are the ones the trainer's
/// <c>TorchBinaryWeight.CentredRows</c> used), the word embedding binary per row, layers
/// marked 1/1 with method bibert and the architecture's attention "bi-attention". The runtime runs
/// a binary pooler with the last layer's activation bits, i.e. W1A1, as the trainer does.
/// </summary>
public static class BiBertExporter
{
    /// <summary>Builds the writer for the latent FP32 weights of <paramref name="model"/>.</summary>
    /// <exception cref="ArgumentException">The Core writer rejects the metadata or a tensor.</exception>
    public static EbmWriter Build(ModelWeights model, IReadOnlyList<string> vocabulary, ModelScores? scores = null, string? task = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(vocabulary);
        var layer = new LayerScheme { WeightBits = 1, ActivationBits = 1, Method = QuantMethod.BiBert };
        EbmMetadata metadata = StudentExport.Metadata(model, vocabulary, scores, task, layer, "bibert W1A1 export", AttentionKind.BiAttention);
        return StudentExport.Write(metadata, vocabulary, model, StudentExport.EncoderAndPoolerWeights(model),
            static (w, t) => LinearExporter.AddBinaryRows(w, t.Name, t.Values, t.Rows, t.Columns),
            static (w, t) => LinearExporter.AddWeight(w, t.Name, LinearScheme.W1A1, t.Values, t.Rows, t.Columns));
    }
}
