using System.Globalization;
using EdgeBert.Trainer.Interop;
using EdgeBert.Trainer.Model;
using RuntimeModel = EdgeBert.Runtime.Model;

namespace EdgeBert.Trainer.Quantization;

/// <summary>
/// The acceptance check of a BiBERT export: the runtime on the .ebm against the trainer's quantized
/// forward (<see cref="BiBertQuantization"/> hooks installed) on a labelled set, via <see cref="RuntimeParity"/>.
/// </summary>
public static class BiBertParity
{
    /// <summary>
    /// Bound on |Δlogit| / max(1, |logit|). Up to the pooler both sides compute the same bits (exact
    /// integer products, the same α·d + b rounding, float64 LayerNorm, identical signs); only the
    /// pooler's tanh and the FP32 classifier's dot product round differently, a few ulps.
    /// </summary>
    public const double Tolerance = 1e-4;

    /// <summary>Compares and returns one line for the console: agreement, largest logit difference, pass or FAIL.</summary>
    /// <exception cref="ArgumentException">The examples are empty or longer than the model accepts.</exception>
    public static string Check(BertModel quantized, string ebmPath, IReadOnlyList<EncodedExample> examples, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(quantized);
        using RuntimeModel runtime = RuntimeModel.Load(ebmPath);
        ParityReport report = RuntimeParity.Compare(quantized, runtime, examples, batchSize, Tolerance);
        string verdict = report.Passed ? "passed" : $"FAILED (tolerance {Tolerance}; first mismatch: example {report.Mismatches.FirstOrDefault()?.Index})";
        return string.Create(CultureInfo.InvariantCulture,
            $"runtime parity on {report.Count} test examples: {report.Agreements}/{report.Count} same predictions, max |Δlogit| {report.MaxAbsoluteDelta:0.###e+0}, runtime correct {report.RuntimeCorrect}, trainer correct {report.TrainerCorrect}: {verdict}");
    }
}
