using System.Text.Json;
using EdgeBert.Trainer.Interop;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Training;
using Spectre.Console;
using RuntimeModel = EdgeBert.Runtime.Model;

namespace EdgeBert.Trainer.Commands;

/// <summary>
/// The last step of every <c>quantize</c> recipe: loads the exported .ebm with the runtime and
/// compares it with the trainer's quantized forward of the same student on the held-out examples
/// (the acceptance of issue #6: the same prediction on 100% of them). The report is printed and
/// written to <c>OUT/parity.json</c>.
/// </summary>
internal static class QuantizedParityStep
{
    /// <summary>
    /// Logit tolerance for quantized students: their integer parts are exact, but an activation
    /// that lands within an ulp of a rounding boundary (A8, A4) or of zero (A1) may round the other
    /// way, because the trainer's float32 pipeline and the runtime's kernels sum in different orders.
    /// Such a flip moves a logit by a small amount, so the bound is on predictions first; logits are
    /// reported and must stay within this looser bound.
    /// </summary>
    public const double Tolerance = 5e-2;

    /// <summary>
    /// Runs the comparison of <paramref name="trainerLogits"/> (the quantized TorchSharp student's,
    /// one row per example in the order of <paramref name="examples"/>) with the runtime on
    /// <paramref name="ebmPath"/>; returns true when every prediction agrees and logits are within <see cref="Tolerance"/>.
    /// </summary>
    public static bool Run(IAnsiConsole ui, IReadOnlyList<string> labels, Func<float[][]> trainerLogits, string ebmPath, IReadOnlyList<EncodedExample> examples, string splitName, string runDirectory, int threads) =>
        Run(ui, runtime => RuntimeParity.Compare(labels, trainerLogits, runtime, examples, Tolerance, threads), ebmPath, examples, splitName, runDirectory);

    private static bool Run(IAnsiConsole ui, Func<RuntimeModel, ParityReport> compare, string ebmPath, IReadOnlyList<EncodedExample> examples, string splitName, string runDirectory)
    {
        if (examples.Count == 0) return true;
        using RuntimeModel runtime = RuntimeModel.Load(ebmPath);
        ParityReport report = compare(runtime);
        ui.MarkupLine(Markup.Escape($"runtime parity on the {splitName} split ({ebmPath}):"));
        ParityCommand.Write(ui, report);
        var summary = new ParitySummary(splitName, report.Count, report.Agreements, report.MaxAbsoluteDelta, report.MaxRelativeDelta,
            report.Tolerance, report.TrainerCorrect, report.RuntimeCorrect, report.Passed);
        File.WriteAllText(Path.Combine(runDirectory, "parity.json"), JsonSerializer.Serialize(summary, ParityJsonContext.Default.ParitySummary));
        return report.Passed;
    }
}

/// <summary>What <c>OUT/parity.json</c> records (see <see cref="ParityReport"/>).</summary>
internal sealed record ParitySummary(
    string Split, int Examples, int Agreements, double MaxAbsoluteDelta, double MaxRelativeDelta,
    double Tolerance, int TrainerCorrect, int RuntimeCorrect, bool Passed);

/// <summary>Source-generated JSON for <see cref="ParitySummary"/>.</summary>
[System.Text.Json.Serialization.JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(ParitySummary))]
internal sealed partial class ParityJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
