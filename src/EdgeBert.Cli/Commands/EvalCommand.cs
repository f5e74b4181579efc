using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using EdgeBert.Cli.Eval;
using EdgeBert.Cli.Models;

namespace EdgeBert.Cli.Commands;

/// <summary>
/// <c>edgebert eval --data FILE</c>: classifies every example of a labelled TSV or JSONL file
/// and prints accuracy, F1 and the confusion matrix (over-long texts are truncated, as in
/// classify). Every label is checked against the model before the first prediction.
/// </summary>
internal static class EvalCommand
{
    internal static Command Create(CliEnvironment environment)
    {
        var common = new CommonOptions();
        var data = new Option<string>("--data") { Description = "Labelled examples: .tsv (GLUE style: sentence and label columns) or .jsonl (text and label).", Required = true };
        var command = new Command("eval", "Score a model on labelled examples: accuracy, F1, confusion matrix.") { data, common.Model, common.Threads };
        command.SetAction(parseResult =>
        {
            var o = parseResult.InvocationConfiguration.Output;
            string path = parseResult.GetValue(data)!;
            using var model = RuntimeModels.Load(parseResult.GetValue(common.Model), environment);
            RuntimeModels.RequireLabels(model);
            var session = RuntimeModels.CreateSession(model, parseResult.GetValue(common.Threads), noTruncate: false, "eval");
            var examples = EvalDataReader.Read(path);
            long start = Stopwatch.GetTimestamp();
            var matrix = Evaluation.Run(path, examples, model.Labels, text => session.Classify(text).Label);
            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            o.WriteLine($"model:    {model.Source}");
            o.WriteLine($"data:     {path}");
            Evaluation.Write(matrix, model.Labels, o);
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"time:     {ms / examples.Count:F3} ms per example"));
            return Program.ExitOk;
        });
        return command;
    }
}
