using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using EdgeBert.Cli.Eval;
using EdgeBert.Cli.Models;
using EdgeBert.Runtime;

namespace EdgeBert.Cli.Commands;

/// <summary>
/// <c>edgebert eval --data FILE</c>: classifies every example of a labelled TSV or JSONL file and
/// prints accuracy, F1, the confusion matrix, the false-positive rate of a two-label model and the
/// expected calibration error (15 bins) with and without the model's temperature; for a JSONL file
/// whose lines carry a <c>"view"</c> (the importer's subject / first25 / whole views), the same for
/// each view. Long texts are read whole over windows (as classify), or cut with <c>--truncate</c>.
/// Every label is checked against the model before the first prediction.
/// </summary>
internal static class EvalCommand
{
    internal static Command Create(CliEnvironment environment)
    {
        var common = new CommonOptions();
        var data = new Option<string>("--data") { Description = "Labelled examples: .tsv (GLUE style: sentence and label columns) or .jsonl (text, label and optional view).", Required = true };
        var command = new Command("eval", "Score a model on labelled examples: accuracy, F1, confusion matrix, calibration error, per view.")
        {
            data, common.Model, common.Threads, common.Truncate, common.Aggregate,
        };
        command.SetAction(parseResult =>
        {
            var o = parseResult.InvocationConfiguration.Output;
            string path = parseResult.GetValue(data)!;
            using var model = RuntimeModels.Load(parseResult.GetValue(common.Model), environment);
            RuntimeModels.RequireLabels(model);
            bool truncate = parseResult.GetValue(common.Truncate);
            var aggregation = parseResult.GetValue(common.Aggregate);
            var session = RuntimeModels.CreateClassifier(model, parseResult.GetValue(common.Threads), truncate, noTruncate: false, aggregation, "eval");
            var examples = EvalDataReader.Read(path);
            var actual = examples.Select(e => Evaluation.LabelIndex(path, e, model.Labels)).ToArray();
            var logits = new float[model.Labels.Count];
            var scored = new ScoredExample[examples.Count];
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < examples.Count; i++)
            {
                var result = session.Classify(examples[i].Text, logits);
                scored[i] = new ScoredExample(examples[i].View, actual[i], result.Label,
                    Probabilities.Of(logits, result.Label, 1f), result.Score, result.Windows);
            }
            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            o.WriteLine($"model:    {model.Source}");
            o.WriteLine($"data:     {path}");
            o.WriteLine(truncate ? "reading:  long texts truncated (--truncate)" : $"reading:  long texts whole, over windows ({aggregation})");
            ViewReport.Write(scored, model.Labels, model.Temperature, o);
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"time:     {ms / examples.Count:F3} ms per example"));
            return Program.ExitOk;
        });
        return command;
    }
}
