using EdgeBert.Format;
using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Model;

namespace EdgeBert.Trainer.Interop;

/// <summary>
/// Writes an FP32 trainer model (its <see cref="ModelWeights"/>) as a .ebm file through the Core
/// <see cref="EbmWriter"/>: every tensor under its model-file name, in file order (the MLM head is
/// not exported), metadata with the
/// architecture, labels, tokenizer options and provenance (trainer version, method
/// <see cref="QuantMethod.None"/> = fp32, dev/test scores).
/// </summary>
public static class EbmExporter
{
    /// <summary>The trainer's version, recorded in provenance.</summary>
    public static string TrainerVersion => typeof(EbmExporter).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>Builds the writer for <paramref name="model"/>.</summary>
    /// <param name="model">The model's weights (its config's labels become the .ebm labels).</param>
    /// <param name="vocabulary">The tokens, id order.</param>
    /// <param name="scores">Scores for the provenance, or null.</param>
    /// <param name="task">Task name for the provenance, or null.</param>
    /// <exception cref="ArgumentException">The Core writer rejects the metadata (e.g. a special token missing from the vocabulary).</exception>
    public static EbmWriter Build(ModelWeights model, IReadOnlyList<string> vocabulary, ModelScores? scores = null, string? task = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(vocabulary);
        BertConfig c = model.Config;
        string metric = scores?.Metric ?? "accuracy";
        double? Score(Dictionary<string, double>? values) => values is not null && values.TryGetValue(metric, out double v) ? v : null;
        string notes = "fp32 export";
        if (scores is not null)
        {
            notes += $"; step {scores.Step}";
            if (scores.Dev.Count > 0) notes += "; dev " + Format(scores.Dev);
            if (scores.Test.Count > 0) notes += "; test " + Format(scores.Test);
        }

        var metadata = new EbmMetadata
        {
            Architecture = new BertArchitecture
            {
                VocabSize = c.VocabSize,
                HiddenSize = c.Hidden,
                Layers = c.Layers,
                Heads = c.Heads,
                // Written only for a width-pruned model (heads × headSize ≠ hidden), so other files stay as they were.
                HeadSize = c.HeadSize > 0 ? c.HeadSize : null,
                Activation = c.HiddenAct == "relu" ? FfnActivation.Relu : FfnActivation.Gelu,
                FfnSize = c.Ffn,
                MaxPositions = c.MaxPositions,
                TypeVocabSize = c.TypeVocabSize,
                LayerNormEps = c.LayerNormEps,
            },
            Layers = [.. Enumerable.Repeat(new LayerScheme(), c.Layers)],
            Labels = [.. c.Labels],
            Tokenizer = new TokenizerOptions { Lowercase = c.Lowercase, StripAccents = c.Lowercase, MaxLength = c.MaxSequenceLength },
            Provenance = new Provenance
            {
                TrainerVersion = TrainerVersion,
                Method = QuantMethod.None,
                Task = task ?? scores?.Task,
                Metric = scores is null ? null : metric,
                // An FP32 model has no teacher; its own score (test, else dev) is the student score.
                StudentScore = Score(scores?.Test) ?? Score(scores?.Dev),
                Notes = notes,
            },
        };
        var writer = new EbmWriter(metadata, vocabulary);
        foreach (NamedWeight t in model.Tensors) writer.AddF32(t.Name, t.Shape, t.Values);

        return writer;
    }

    private static string Format(Dictionary<string, double> values) =>
        string.Join(", ", values.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key} {v.Value.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)}"));
}
