using EdgeBert.Encoder;
using EdgeBert.Encoder.Quantization;
using EdgeBert.Format;
using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Interop;
using EdgeBert.Trainer.Model;

namespace EdgeBert.Trainer.Quantization;

/// <summary>
/// Exports a BiBERT student as a W1A1 bi-attention .ebm: the same tensors as <see cref="EbmExporter"/>,
/// but every encoder linear and the pooler binary with per-row α through <see cref="LinearExporter"/>
/// (the Core <see cref="BinaryQuantizer"/>, so the packed bits are the ones the trainer's
/// <see cref="BinaryWeight.ApplyCentredRows"/> used), the word embedding binary per row, layers
/// marked 1/1 with method bibert and the architecture's attention "bi-attention". The runtime runs
/// a binary pooler with the last layer's activation bits, i.e. W1A1, as the trainer does.
/// </summary>
public static class BiBertExporter
{
    /// <summary>Builds the writer for the latent FP32 weights of <paramref name="model"/>.</summary>
    /// <exception cref="ArgumentException">The Core writer rejects the metadata or a tensor.</exception>
    public static EbmWriter Build(BertModel model, IReadOnlyList<string> vocabulary, ModelScores? scores = null, string? task = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(vocabulary);
        // The FP32 exporter owns the metadata (architecture, labels, tokenizer, provenance); read it
        // back, then change only the attention, the schemes and the method.
        EbmMetadata m;
        using (EbmFile fp32 = EbmFile.Load(EbmExporter.Build(model, vocabulary, scores, task).ToArray())) m = fp32.Metadata;
        var layer = new LayerScheme { WeightBits = 1, ActivationBits = 1, Method = QuantMethod.BiBert };
        var metadata = m with
        {
            Architecture = m.Architecture with { Attention = AttentionKind.BiAttention },
            Layers = [.. Enumerable.Repeat(layer, model.Config.Layers)],
            Provenance = m.Provenance! with
            {
                Method = QuantMethod.BiBert,
                Notes = (m.Provenance.Notes ?? "").Replace("fp32 export", "bibert W1A1 export", StringComparison.Ordinal),
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
                LinearExporter.AddBinaryRows(writer, name, p.Data, p.Dim(0), p.Dim(1));
            }
            else if (name.EndsWith(".weight", StringComparison.Ordinal) && linears.Contains(name[..^".weight".Length]))
            {
                LinearExporter.AddWeight(writer, name, LinearScheme.W1A1, p.Data, p.Dim(0), p.Dim(1));
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
