using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EdgeBert.Cli.Input;
using EdgeBert.Cli.Models;
using EdgeBert.Runtime;

namespace EdgeBert.Cli.Commands;

/// <summary>
/// <c>edgebert classify [TEXT...]</c>: runs the model (<c>--model</c>, else the model embedded in
/// the binary) on each text (arguments, else one per line of standard input) and prints one line
/// per text: label, its probability, the softmax over all labels (calibrated by the model's
/// temperature), tokens and how a long text was read (over N windows, the default, or truncated
/// with <c>--truncate</c>); with
/// <c>--json</c>, one JSON object per text with the same fields and the time the model took.
/// For parity checks against PyTorch, <c>--ids FILE</c> reads token ids instead of texts and
/// <c>--reference-json FILE</c> writes logits (and with <c>--hidden</c> pooled vectors and last
/// hidden states) in scripts/torch/bert_reference.py's format (<see cref="ReferenceJson"/>).
/// </summary>
internal static class ClassifyCommand
{
    internal static Command Create(CliEnvironment environment)
    {
        var common = new CommonOptions();
        var ids = new Option<string?>("--ids") { Description = "Classify token ids from this JSON file instead of texts: [{\"ids\": [...], \"type_ids\": [...]}, ...]." };
        var reference = new Option<string?>("--reference-json") { Description = "Write logits as JSON in bert_reference.py's format to this file ('-' for stdout) instead of the report." };
        var hidden = new Option<bool>("--hidden") { Description = "With --reference-json: also write pooled vectors and last hidden states." };
        var texts = new Argument<string[]>("text") { Description = "Texts to classify (default: one per line on standard input).", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("classify", "Classify texts (or token ids): label, probability and all label scores.")
        {
            common.Model, common.Threads, common.NoTruncate, common.Truncate, common.Aggregate, common.Json, ids, reference, hidden, texts,
        };
        command.SetAction(parseResult =>
        {
            var o = parseResult.InvocationConfiguration.Output;
            string[] arguments = parseResult.GetValue(texts) ?? [];
            string? idsPath = parseResult.GetValue(ids), referencePath = parseResult.GetValue(reference);
            bool json = parseResult.GetValue(common.Json);
            if (idsPath is not null && arguments.Length > 0) throw new CliException("classify: give either texts or --ids FILE, not both", Program.ExitUsage);
            if (json && referencePath is not null) throw new CliException("classify: --json and --reference-json exclude each other", Program.ExitUsage);
            if (parseResult.GetValue(hidden) && referencePath is null) throw new CliException("classify: --hidden only applies with --reference-json", Program.ExitUsage);
            var sequences = idsPath is null ? [] : ReferenceJson.ReadIds(idsPath);
            // Usage problems (no texts and a terminal on stdin) surface before the model is loaded.
            var inputs = idsPath is null ? TextInputs.Read(arguments, environment, "classify") : [];

            using var model = RuntimeModels.Load(parseResult.GetValue(common.Model), environment);
            StartupTrace.Mark("model loaded (validated, weights packed, vocabulary built)");
            // An encoder-only model has no labels, but its pooled vectors can still be dumped for parity.
            if (referencePath is null) RuntimeModels.RequireLabels(model);
            var session = RuntimeModels.CreateClassifier(model, parseResult.GetValue(common.Threads), parseResult.GetValue(common.Truncate),
                parseResult.GetValue(common.NoTruncate), parseResult.GetValue(common.Aggregate), "classify");
            StartupTrace.Mark("session created");
            try
            {
                if (referencePath is not null)
                {
                    ReferenceJson.Write(model, session, inputs.ToList(), sequences, parseResult.GetValue(hidden), referencePath, o);
                    return Program.ExitOk;
                }
                var logits = new float[model.Labels.Count];
                var probabilities = new double[logits.Length];
                if (idsPath is not null)
                {
                    for (int i = 0; i < sequences.Count; i++)
                    {
                        long start = Stopwatch.GetTimestamp();
                        var result = session.ClassifyTokens(sequences[i].Ids, sequences[i].Types, logits);
                        Report(o, json, $"ids #{i}", result, model, logits, probabilities, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    }
                    return Program.ExitOk;
                }
                // Streamed: each stdin line is answered before the next is read.
                foreach (string text in inputs)
                {
                    long start = Stopwatch.GetTimestamp();
                    var result = session.Classify(text, logits);
                    StartupTrace.Mark("text tokenized and classified");
                    Report(o, json, text, result, model, logits, probabilities, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    StartupTrace.Mark("result printed");
                }
            }
            catch (ArgumentException ex)
            {
                // Over-long text with --no-truncate (InputTooLongException), or ids outside the vocabulary or the positions.
                throw new CliException(ex.Message);
            }
            return Program.ExitOk;
        });
        return command;
    }

    private static void Report(TextWriter o, bool json, string text, Classification result, Model model, float[] logits, double[] probabilities, double ms)
    {
        // The result carries the winner's probability only; every label's, calibrated as the runtime's.
        Probabilities.Softmax(logits, model.Temperature, probabilities);
        o.WriteLine(json ? Json(text, result, model.Labels, probabilities, ms) : Plain(result, model.Labels, probabilities));
    }

    // Tab-separated fields for cut/awk: label, probability, label=probability pairs, token count (and windows or truncation).
    private static string Plain(Classification result, IReadOnlyList<string> labels, double[] probabilities)
    {
        var ci = CultureInfo.InvariantCulture;
        string scores = string.Join(" ", labels.Select((label, i) => string.Create(ci, $"{label}={probabilities[i]:F4}")));
        return string.Create(ci, $"{result.LabelName}\t{result.Score:F4}\t{scores}\t{result.TokenCount} tokens{(result.Truncated ? " (truncated)" : "")}{(result.Windows > 1 ? $" in {result.Windows} windows" : "")}");
    }

    private static string Json(string text, Classification result, IReadOnlyList<string> labels, double[] probabilities, double ms) =>
        JsonLine.Write(w =>
        {
            w.WriteString("text", text);
            w.WriteString("label", result.LabelName);
            w.WriteNumber("score", Math.Round(result.Score, 6));
            w.WriteStartObject("scores");
            for (int i = 0; i < labels.Count; i++) w.WriteNumber(labels[i], Math.Round(probabilities[i], 6));
            w.WriteEndObject();
            w.WriteNumber("tokens", result.TokenCount);
            w.WriteBoolean("truncated", result.Truncated);
            w.WriteNumber("windows", result.Windows);
            w.WriteNumber("ms", Math.Round(ms, 3));
        });
}
