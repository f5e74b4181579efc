using EdgeBert.Encoder;
using EdgeBert.Encoder.Quantization;
using EdgeBert.Format;
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
    public static EbmWriter Build(BertModel model, IReadOnlyList<string> vocabulary, ModelScores? scores = null, string? task = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(vocabulary);
        // The FP32 exporter owns the metadata (architecture, labels, tokenizer, provenance); read it
        // back rather than duplicate it, then change only the schemes and the method.
        EbmMetadata m;
        using (EbmFile fp32 = EbmFile.Load(EbmExporter.Build(model, vocabulary, scores, task).ToArray())) m = fp32.Metadata;
        var layer = new LayerScheme { WeightBits = 2, ActivationBits = 8, Method = QuantMethod.TernaryBert };
        var metadata = m with
        {
            Layers = [.. Enumerable.Repeat(layer, model.Config.Layers)],
            Provenance = m.Provenance! with
            {
                Method = QuantMethod.TernaryBert,
                Notes = (m.Provenance.Notes ?? "").Replace("fp32 export", "ternarybert W2A8 export", StringComparison.Ordinal),
            },
        };
        var writer = new EbmWriter(metadata, vocabulary);
        var linears = new HashSet<string>(StringComparer.Ordinal) { "pooler" };
        for (int i = 0; i < model.Config.Layers; i++)
        {
            foreach (string name in LinearNames) linears.Add($"layer.{i}.{name}");
        }
        foreach ((string name, Autograd.Tensor p) in model.NamedParameters())
        {
            if (name.StartsWith("mlm.", StringComparison.Ordinal)) continue;
            if (name == "embeddings.word")
            {
                LinearExporter.AddTernaryRows(writer, name, p.Data, p.Dim(0), p.Dim(1));
            }
            else if (name.EndsWith(".weight", StringComparison.Ordinal) && linears.Contains(name[..^".weight".Length]))
            {
                LinearExporter.AddWeight(writer, name, LinearScheme.W2A8, p.Data, p.Dim(0), p.Dim(1));
            }
            else
            {
                writer.AddF32(name, p.Shape, p.Data);
            }
        }
        return writer;
    }

    private static readonly string[] LinearNames =
        ["attention.query", "attention.key", "attention.value", "attention.output", "ffn.in", "ffn.out"];
}
