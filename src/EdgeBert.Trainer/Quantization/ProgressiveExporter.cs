using System.Numerics.Tensors;
using CommunityToolkit.HighPerformance;
using EdgeBert.Encoder;
using EdgeBert.Encoder.Quantization;
using EdgeBert.Format;
using EdgeBert.Kernels.Packing;
using EdgeBert.Tooling;
using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Interop;
using EdgeBert.Trainer.Model;

namespace EdgeBert.Trainer.Quantization;

/// <summary>
/// Exports a stage-2 progressive student (W1A8, W1A4 or W1A1) as a .ebm the runtime runs exactly
/// as <c>TorchStudentQuantization.Progressive</c> trained it: every encoder linear and the pooler as a
/// <c>binary</c> tensor with one per-tensor α = mean|w| (BWN; bit 1 where w &lt; 0, so sign(0) = +1
/// as the trainer's forward), the word embedding binary per row through the Core BiBERT binarizer,
/// everything else f32. Layers are marked (1, A) with method <see cref="QuantMethod.TwoStage"/>,
/// attention softmax; a binary pooler takes the last layer's activation bits in the runtime.
/// </summary>
public static class ProgressiveExporter
{
    /// <summary>Builds the writer for the latent FP32 weights of <paramref name="model"/> as <paramref name="step"/>.</summary>
    /// <param name="model">The student (its hooks do not matter: the latent weights are quantized here).</param>
    /// <param name="step">A stage-2 step (W1A8, W1A4 or W1A1).</param>
    /// <param name="vocabulary">The tokens, id order.</param>
    /// <param name="scores">The student's scores for the provenance, or null.</param>
    /// <param name="task">Task name for the provenance, or null.</param>
    /// <param name="teacherScore">The FP32 teacher's score in the same metric and split as the student's, or null.</param>
    /// <exception cref="InvalidOperationException"><paramref name="step"/> is a stage-1 step (no runtime scheme).</exception>
    /// <exception cref="ArgumentException">The Core writer rejects the metadata or a tensor.</exception>
    public static EbmWriter Build(ModelWeights model, ProgressiveStep step, IReadOnlyList<string> vocabulary, ModelScores? scores = null, string? task = null, double? teacherScore = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(vocabulary);
        LinearScheme scheme = step.Scheme;
        var layer = LinearSchemes.ToLayer(scheme, QuantMethod.TwoStage);
        EbmMetadata metadata = StudentExport.Metadata(model, vocabulary, scores, task, layer,
            $"two-stage progressive {LinearSchemes.Name(scheme).ToUpperInvariant()} export (BWN per-tensor alpha)", AttentionKind.Softmax, teacherScore);
        return StudentExport.Write(metadata, vocabulary, model, StudentExport.EncoderAndPoolerWeights(model),
            static (w, t) => LinearExporter.AddBinaryRows(w, t.Name, t.Values, t.Rows, t.Columns),
            static (w, t) => AddBinaryTensor(w, t.Name, t.Values, t.Rows, t.Columns));
    }

    /// <summary>
    /// BWN with one α for the tensor: α = mean|w| computed with the very expression of
    /// the trainer's BWN (<c>TorchBinaryWeight.Bwn</c>: same float sum), signs packed with bit 1 for w &lt; 0.
    /// </summary>
    internal static void AddBinaryTensor(EbmWriter writer, string name, float[] weight, int rows, int columns)
    {
        float alpha = weight.Length == 0 ? 0f : TensorPrimitives.SumOfMagnitudes<float>(weight) / weight.Length;
        var words = new ulong[BinaryLayout.MatrixWords(rows, columns)];
        SignPacking.Pack(new ReadOnlySpan2D<float>(weight, rows, columns), words);
        writer.AddBinary(name, rows, columns, words, [alpha]);
    }
}
