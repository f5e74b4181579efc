using System.Globalization;
using EdgeBert.Trainer.Checkpoints;
using EdgeBert.Trainer.Interop;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Quantization;
using EdgeBert.Trainer.Torch;
using EdgeBert.Trainer.Torch.Quantization;
using EdgeBert.Trainer.Torch.Training;
using EdgeBert.Trainer.Training;
using Spectre.Console;

namespace EdgeBert.Trainer.Commands;

/// <summary>What one progressive run does besides its data.</summary>
internal sealed record ProgressiveRunSettings
{
    /// <summary>The chain, from <see cref="ProgressiveSchedule.Plan"/>.</summary>
    public required IReadOnlyList<ProgressiveStep> Steps { get; init; }

    /// <summary>The options of every step (epochs = per step); <see cref="TrainingOptions.OutputDirectory"/> is the run root.</summary>
    public required TrainingOptions Training { get; init; }

    public required int BatchSize { get; init; }

    public required string Metric { get; init; }

    public string? Task { get; init; }

    public int PadId { get; init; }

    /// <summary>The teacher's model directory (the first step's initialisation).</summary>
    public required string TeacherDirectory { get; init; }

    /// <summary>Threads of the runtime parity check.</summary>
    public int Threads { get; init; } = 1;
}

/// <summary>
/// Runs two-stage progressive quantization (METHODS.md §4): for each step of the chain a KD
/// fine-tune on LibTorch against the FP32 teacher with TernaryBERT's objective (hidden
/// MSE + attention-score MSE + SCE), the student initialised from the previous step's best latent
/// FP32 weights, checkpointed in <c>OUT/&lt;step&gt;/</c> (<c>last/</c>, <c>best/</c>,
/// <c>metrics.jsonl</c>). A step with <c>OUT/&lt;step&gt;/complete</c> is skipped on a rerun; an
/// interrupted one resumes from its <c>last/</c>. Each stage-2 student is exported to
/// <c>OUT/&lt;step&gt;.ebm</c> and checked against the runtime on the test split (else dev, else train).
/// A summary table of dev/test accuracy and F1 per step ends the run (also as OUT/summary.md).
/// </summary>
internal static class QuantizeProgressiveRunner
{
    /// <summary>Written last in a step's directory: the step is done (its content is the runtime-parity summary).</summary>
    public const string CompleteFile = "complete";

    /// <summary>
    /// Bound on |Δlogit| / max(1, |logit|) reported by the runtime check. The integer GEMMs are
    /// exact; what is left is float rounding (the runtime's α·scale·d epilogue against the
    /// trainer's float sum of products), which the W1A1 sign can amplify where an input is within
    /// rounding of 0, so the check reports rather than fails.
    /// </summary>
    public const double ParityTolerance = 1e-3;

    public static int Run(IAnsiConsole ui, TorchBertModel teacher, IReadOnlyList<string> vocabulary, IReadOnlyList<EncodedExample> train,
        IReadOnlyList<EncodedExample> dev, IReadOnlyList<EncodedExample>? test, ProgressiveRunSettings s)
    {
        string root = s.Training.OutputDirectory ?? throw new ArgumentException("progressive: an output directory (--out) is required.");
        if (train.Count == 0) throw new ArgumentException("progressive: the training set is empty.");
        if (test is { Count: 0 }) throw new ArgumentException("progressive: the test set is empty; leave out --test or give examples.");
        BertConfig config = teacher.Config;
        int classes = config.Labels.Count;
        Directory.CreateDirectory(root);
        var rows = new List<ProgressiveSummaryRow>
        {
            new("teacher", "fp32", "32-32-32", "-", null, Score(teacher, dev, classes, s), test is null ? null : Score(teacher, test, classes, s), null),
        };
        ui.MarkupLine(Markup.Escape($"quantize (progressive): {string.Join(" → ", ["fp32", .. s.Steps.Select(x => x.Name)])}, " +
            $"{s.Training.Epochs} epoch(s) per step; {train.Count} train / {dev.Count} dev / {test?.Count ?? 0} test examples; " +
            $"{config.Layers}×{config.Hidden}, seed {s.Training.Seed}; run directory {root}"));

        for (int i = 0; i < s.Steps.Count; i++)
        {
            ProgressiveStep step = s.Steps[i];
            string dir = Path.Combine(root, step.Name), best = Path.Combine(dir, "best"), complete = Path.Combine(dir, CompleteFile);
            string? ebm = step.Stage == 2 ? Path.Combine(root, step.Name + ".ebm") : null;
            string prefix = $"[{i + 1}/{s.Steps.Count}] {step.Name} (stage {step.Stage}, W-E-A {step.Bits})";
            if (File.Exists(complete) && Directory.Exists(best) && (ebm is null || File.Exists(ebm)))
            {
                ui.MarkupLine(Markup.Escape($"{prefix}: complete in {dir}, skipped"));
                rows.Add(Row(step, ModelDirectory.ReadScores(best) ?? new ModelScores(), File.ReadAllText(complete).Trim()));
                continue;
            }

            (bool finished, ModelScores scores, string parity) = RunStep(ui, step, prefix, root, teacher, TeacherScore(rows[0], s.Metric), vocabulary, train, dev, test, s);
            if (!finished) return Program.ExitOk;
            rows.Add(Row(step, scores, parity));
        }

        ProgressiveSummaryRow.Write(ui, rows);
        string summary = Path.Combine(root, "summary.md");
        File.WriteAllText(summary, ProgressiveSummaryRow.Markdown(rows));
        ui.MarkupLine(Markup.Escape($"summary: {summary}"));
        return Program.ExitOk;
    }

    private static (bool Finished, ModelScores Scores, string Parity) RunStep(IAnsiConsole ui, ProgressiveStep step, string prefix, string root, TorchBertModel teacher,
        double? teacherScore, IReadOnlyList<string> vocabulary, IReadOnlyList<EncodedExample> train, IReadOnlyList<EncodedExample> dev, IReadOnlyList<EncodedExample>? test, ProgressiveRunSettings s)
    {
        string dir = Path.Combine(root, step.Name), best = Path.Combine(dir, "best");
        string from = step.InitialisedFrom is null ? "the teacher" : Path.Combine(root, step.InitialisedFrom, "best");
        using TorchBertModel student = TorchBertModel.Load(step.InitialisedFrom is null ? s.TeacherDirectory : from);
        TorchStudentQuantization.Progressive(student, step);

        bool resume = TorchCheckpoint.Exists(Path.Combine(dir, "last"));
        // The loop writes best/ itself; a run without dev leaves it to here.
        // A best/ left by a run that never reached last/ belongs to weights this run will not continue.
        if (!resume && Directory.Exists(best)) Directory.Delete(best, recursive: true);
        var options = s.Training with { OutputDirectory = dir, Resume = resume };
        TrainingResult result = QuantizeTorch.RunProgressiveStep(ui, prefix, from, student, teacher, vocabulary, train, dev, options, s.BatchSize, s.PadId, s.Metric);
        if (result.Interrupted)
        {
            ui.MarkupLine(Markup.Escape($"stopped in step {step.Name} after update {result.Steps}; rerun the same command to continue (finished steps are skipped, this one resumes)."));
            return (false, new ModelScores(), "");
        }

        using TorchBertModel bestModel = TorchBertModel.Load(best);
        TorchStudentQuantization.Progressive(bestModel, step);
        bestModel.eval();
        ModelScores scores = (ModelDirectory.ReadScores(best) ?? new ModelScores()) with { Task = s.Task, Metric = s.Metric };
        if (test is not null) scores = scores with { Test = new(Score(bestModel, test, teacher.Config.Labels.Count, s)!.Values) };
        ModelDirectory.WriteScores(best, scores);

        string parity = "";
        if (step.Stage == 2)
        {
            string ebm = Path.Combine(root, step.Name + ".ebm");
            ProgressiveExporter.Build(TorchStudentExport.Weights(bestModel), step, vocabulary, scores, s.Task, teacherScore).WriteTo(ebm);
            (IReadOnlyList<EncodedExample> check, string split) = test is not null ? (test, "test") : dev.Count > 0 ? (dev, "dev") : (train, "train");
            parity = CheckRuntime(ui, bestModel, ebm, check, split, s);
            ui.MarkupLine(Markup.Escape($"{prefix}: exported {ebm}"));
        }
        File.WriteAllText(Path.Combine(dir, CompleteFile), parity + "\n");
        ui.MarkupLine(Markup.Escape($"{prefix}: done, best step {scores.Step}: dev {Format(scores.Dev)}" + (test is null ? "" : $"; test {Format(scores.Test)}")));
        return (true, scores, parity);
    }

    /// <summary>Runs the export in the runtime on <paramref name="examples"/> next to the trainer's quantized forward.</summary>
    private static string CheckRuntime(IAnsiConsole ui, TorchBertModel model, string ebm, IReadOnlyList<EncodedExample> examples, string split, ProgressiveRunSettings s)
    {
        if (examples.Count == 0) return "";
        using var runtime = EdgeBert.Runtime.Model.Load(ebm);
        ParityReport r = RuntimeParity.Compare(model.Config.Labels, () => TorchLogits.InOrder(model, examples, s.BatchSize, s.PadId), runtime, examples, ParityTolerance, s.Threads);
        string summary = string.Create(CultureInfo.InvariantCulture, $"{r.Agreements}/{r.Count} {split}");
        string line = string.Create(CultureInfo.InvariantCulture,
            $"runtime vs trainer on {split}: {r.Agreements}/{r.Count} predictions agree, max |Δlogit| {r.MaxAbsoluteDelta:0.00e+00}, runtime accuracy {(double)r.RuntimeCorrect / r.Count:0.0000}");
        ui.MarkupLine((r.Passed ? "[green]" : "[red]") + Markup.Escape(line) + "[/]");
        return summary;
    }

    /// <summary>The teacher's score where the exporter takes the student's: test, else dev (EbmExporter's rule).</summary>
    private static double? TeacherScore(ProgressiveSummaryRow teacher, string metric) =>
        teacher.Test?.Values.GetValueOrDefault(metric) ?? teacher.Dev?.Values.GetValueOrDefault(metric);

    private static EvalResult? Score(TorchBertModel model, IReadOnlyList<EncodedExample> examples, int classes, ProgressiveRunSettings s) =>
        examples.Count == 0 ? null : TorchClassificationTask.Score(model, examples, classes, s.BatchSize, s.PadId, s.Metric);

    private static ProgressiveSummaryRow Row(ProgressiveStep step, ModelScores scores, string parity) => new(
        step.Name, $"stage {step.Stage}", step.Bits, step.InitialisedFrom ?? "teacher", scores.Step,
        scores.Dev.Count == 0 ? null : new EvalResult(scores.Metric ?? "accuracy", 0, scores.Dev),
        scores.Test.Count == 0 ? null : new EvalResult(scores.Metric ?? "accuracy", 0, scores.Test),
        parity.Length == 0 ? null : parity);

    private static string Format(IReadOnlyDictionary<string, double> values) => values.Count == 0 ? "-" :
        string.Join(" ", values.Where(v => v.Key is "accuracy" or "f1").OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => string.Create(CultureInfo.InvariantCulture, $"{v.Key} {v.Value:0.0000}")));
}
