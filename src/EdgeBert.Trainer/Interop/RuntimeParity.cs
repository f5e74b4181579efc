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
/// Compares the trainer's logits for token ids (its TorchSharp model in eval mode, no grad) with
/// the runtime's session on the exported .ebm: predictions and logits. Both sides get
/// identical ids, so any difference comes from the encoders or the export, not the tokenizer.
/// </summary>
public static class RuntimeParity
{
    private const int MaxListedMismatches = 10;

    /// <summary>
    /// Compares logits a trainer computed (<paramref name="trainerLogits"/>: one row per example, in
    /// the order of <paramref name="examples"/>, called after the inputs are checked) with
    /// <paramref name="runtime"/> (the trainer's side is e.g. <c>TorchLogits.InOrder</c> of a TorchSharp model).
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
}
