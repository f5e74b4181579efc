using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Model;
using RuntimeModel = EdgeBert.Runtime.Model;
using RuntimeSession = EdgeBert.Runtime.Session;

namespace EdgeBert.Trainer.Interop;

/// <summary>One example on which the trainer and the runtime differ (or the largest difference seen).</summary>
/// <param name="Index">0-based position of the example in the data file.</param>
/// <param name="TrainerLogits">Logits of the trainer's forward.</param>
/// <param name="RuntimeLogits">Logits of <see cref="RuntimeSession.ClassifyTokens(ReadOnlySpan{int}, ReadOnlySpan{int}, Span{float})"/>.</param>
/// <param name="RelativeDelta">Largest <c>|Δ| / max(1, |trainer logit|)</c> over the classes.</param>
public sealed record ParityMismatch(int Index, float[] TrainerLogits, float[] RuntimeLogits, double RelativeDelta);

/// <summary>What <see cref="RuntimeParity.Compare(IReadOnlyList{string}, Func{float[][]}, RuntimeModel, IReadOnlyList{EncodedExample}, double, int)"/> found.</summary>
/// <param name="Count">Examples compared.</param>
/// <param name="Agreements">Examples on which both predict the same label.</param>
/// <param name="MaxAbsoluteDelta">Largest <c>|trainer logit − runtime logit|</c>.</param>
/// <param name="MaxRelativeDelta">Largest <c>|Δ| / max(1, |trainer logit|)</c>: absolute for small logits, relative for large ones.</param>
/// <param name="Tolerance">The bound on <see cref="MaxRelativeDelta"/>.</param>
/// <param name="TrainerCorrect">Examples the trainer labels correctly.</param>
/// <param name="RuntimeCorrect">Examples the runtime labels correctly.</param>
/// <param name="Mismatches">Examples whose prediction differs or whose logits exceed the tolerance (at most 10, in file order).</param>
/// <param name="Worst">The example with the largest relative difference.</param>
public sealed record ParityReport(
    int Count,
    int Agreements,
    double MaxAbsoluteDelta,
    double MaxRelativeDelta,
    double Tolerance,
    int TrainerCorrect,
    int RuntimeCorrect,
    IReadOnlyList<ParityMismatch> Mismatches,
    ParityMismatch Worst)
{
    /// <summary>Every prediction agrees and every logit is within <see cref="Tolerance"/>.</summary>
    public bool Passed => Agreements == Count && MaxRelativeDelta <= Tolerance;

    /// <summary>Share of agreeing predictions, 0 to 1.</summary>
    public double AgreementRate => (double)Agreements / Count;
}

/// <summary>
/// Runs the same token ids through the trainer's <see cref="BertModel"/> (eval mode, no grad) and
/// the runtime's session on the exported .ebm, and compares predictions and logits. Both sides get
/// identical ids, so any difference comes from the encoders or the export, not the tokenizer.
/// </summary>
public static class RuntimeParity
{
    private const int MaxListedMismatches = 10;

    /// <summary>Compares <paramref name="trainer"/> with <paramref name="runtime"/> on <paramref name="examples"/>.</summary>
    /// <param name="trainer">The trained model (its Training flag is restored afterwards).</param>
    /// <param name="runtime">The exported model, loaded by the runtime.</param>
    /// <param name="examples">Tokenized examples ([CLS] … [SEP], at most the runtime's maximum length).</param>
    /// <param name="batchSize">Sequences per trainer forward pass; shorter ones are padded and masked.</param>
    /// <param name="tolerance">Bound on <c>|Δ| / max(1, |trainer logit|)</c>.</param>
    /// <param name="threads">Threads of the runtime session.</param>
    /// <exception cref="ArgumentException">No examples, bad options, a sequence longer than the runtime accepts, or labels that differ.</exception>
    public static ParityReport Compare(BertModel trainer, RuntimeModel runtime, IReadOnlyList<EncodedExample> examples, int batchSize = 16, double tolerance = 1e-4, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(runtime);
        if (batchSize < 1) throw new ArgumentException($"parity: the batch size must be at least 1 (got {batchSize}).");
        return Compare(trainer.Config.Labels, () => TrainerLogits(trainer, examples, batchSize, runtime.Labels.Count, runtime.Vocabulary.PaddingId ?? 0), runtime, examples, tolerance, threads);
    }

    /// <summary>
    /// Compares logits a trainer computed (<paramref name="trainerLogits"/>: one row per example, in
    /// the order of <paramref name="examples"/>, called after the inputs are checked) with
    /// <paramref name="runtime"/>; the engine-independent part of <see cref="Compare(BertModel, RuntimeModel, IReadOnlyList{EncodedExample}, int, double, int)"/>.
    /// </summary>
    /// <exception cref="ArgumentException">No examples, a bad tolerance, a sequence longer than the runtime accepts, or labels that differ.</exception>
    public static ParityReport Compare(IReadOnlyList<string> trainerLabels, Func<float[][]> trainerLogits, RuntimeModel runtime, IReadOnlyList<EncodedExample> examples, double tolerance = 1e-4, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(trainerLabels);
        ArgumentNullException.ThrowIfNull(trainerLogits);
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0) throw new ArgumentException("parity: the data set is empty.");
        if (!(tolerance >= 0)) throw new ArgumentException($"parity: the tolerance must be a non-negative number (got {tolerance}).");
        if (!trainerLabels.SequenceEqual(runtime.Labels, StringComparer.Ordinal))
        {
            throw new ArgumentException($"parity: the checkpoint's labels [{string.Join(",", trainerLabels)}] differ from the .ebm's [{string.Join(",", runtime.Labels)}].");
        }

        int classes = runtime.Labels.Count;
        if (classes == 0) throw new ArgumentException("parity: the model has no classifier labels; fine-tune it first.");
        for (int i = 0; i < examples.Count; i++)
        {
            if (examples[i].Ids.Length > runtime.MaxLength)
            {
                throw new ArgumentException($"parity: example {i} has {examples[i].Ids.Length} tokens; the .ebm accepts at most {runtime.MaxLength}.");
            }
        }

        float[][] logits = trainerLogits();
        if (logits.Length != examples.Count || logits.Any(row => row.Length != classes))
        {
            throw new InvalidOperationException($"parity: the checkpoint's logits do not have {examples.Count} rows of {classes} classes (the .ebm's).");
        }

        var session = runtime.CreateSession(new EdgeBert.Runtime.SessionOptions { Threads = threads });
        var runtimeRow = new float[classes];
        int agreements = 0, trainerCorrect = 0, runtimeCorrect = 0;
        double maxAbs = 0, maxRel = -1;
        ParityMismatch? worst = null;
        var mismatches = new List<ParityMismatch>();
        for (int i = 0; i < examples.Count; i++)
        {
            EncodedExample e = examples[i];
            int runtimeLabel = session.ClassifyTokens(e.Ids, e.TypeIds, runtimeRow).Label;
            float[] t = logits[i];
            int trainerLabel = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(t);
            double rel = 0;
            for (int c = 0; c < classes; c++)
            {
                double delta = Math.Abs((double)t[c] - runtimeRow[c]);
                maxAbs = Math.Max(maxAbs, delta);
                rel = Math.Max(rel, delta / Math.Max(1.0, Math.Abs(t[c])));
            }

            bool agree = trainerLabel == runtimeLabel;
            if (agree) agreements++;
            if (trainerLabel == e.Label) trainerCorrect++;
            if (runtimeLabel == e.Label) runtimeCorrect++;
            if (rel > maxRel || double.IsNaN(rel))
            {
                maxRel = double.IsNaN(rel) ? double.PositiveInfinity : rel;
                worst = new ParityMismatch(i, t, [.. runtimeRow], rel);
            }

            if ((!agree || !(rel <= tolerance)) && mismatches.Count < MaxListedMismatches)
            {
                mismatches.Add(new ParityMismatch(i, t, [.. runtimeRow], rel));
            }
        }

        return new ParityReport(examples.Count, agreements, maxAbs, maxRel, tolerance, trainerCorrect, runtimeCorrect, mismatches, worst!);
    }

    /// <summary>The trainer's logits per example, in the order of <paramref name="examples"/>.</summary>
    private static float[][] TrainerLogits(BertModel model, IReadOnlyList<EncodedExample> examples, int batchSize, int classes, int pad)
    {
        bool wasTraining = model.Training;
        model.Training = false;
        try
        {
            using var _ = Tape.NoGrad();
            var result = new float[examples.Count][];
            for (int start = 0; start < examples.Count; start += batchSize)
            {
                int size = Math.Min(batchSize, examples.Count - start);
                BertBatch batch = BertBatch.Collate([.. examples.Skip(start).Take(size)], pad);
                Tensor logits = model.Forward(batch).Logits ?? throw new InvalidOperationException("parity: the checkpoint has no classifier.");
                if (logits.Dim(-1) != classes) throw new InvalidOperationException($"parity: the checkpoint has {logits.Dim(-1)} classes; the .ebm has {classes}.");
                for (int b = 0; b < size; b++) result[start + b] = logits.Data.AsSpan(b * classes, classes).ToArray();
            }

            return result;
        }
        finally
        {
            model.Training = wasTraining;
        }
    }
}
