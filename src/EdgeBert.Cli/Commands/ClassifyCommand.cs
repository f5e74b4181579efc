using System.CommandLine;
using System.Globalization;
using EdgeBert.Runtime;
using EdgeBert.Text;

namespace EdgeBert.Cli.Commands;

/// <summary>
/// <c>edgebert classify --model FILE TEXT...</c>: runs the model on each text and prints the
/// label, its probability and the softmax over all labels, one line per text.
/// </summary>
internal static class ClassifyCommand
{
    internal static Command Create()
    {
        var model = new Option<string>("--model") { Description = "The .ebm model.", Required = true };
        var threads = new Option<int>("--threads") { Description = "Kernel threads.", DefaultValueFactory = _ => 1 };
        var strict = new Option<bool>("--no-truncate") { Description = "Fail on text longer than the model's maximum length instead of truncating it." };
        var texts = new Argument<string[]>("text") { Description = "Texts to classify.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("classify", "Classify texts with a model: label, probability and all label scores.") { model, threads, strict, texts };
        command.SetAction(parseResult =>
        {
            var o = parseResult.InvocationConfiguration.Output;
            var e = parseResult.InvocationConfiguration.Error;
            int threadCount = parseResult.GetValue(threads);
            if (threadCount < 1)
            {
                e.WriteLine($"edgebert: error: --threads must be at least 1 (got {threadCount})");
                return Program.ExitBadInput;
            }
            using var loaded = Model.Load(parseResult.GetValue(model)!);
            if (loaded.Labels.Count == 0)
            {
                e.WriteLine($"edgebert: error: {loaded.Source} has no labels (an encoder-only model cannot classify)");
                return Program.ExitBadInput;
            }
            var session = loaded.CreateSession(new SessionOptions
            {
                Threads = threadCount,
                Overlong = parseResult.GetValue(strict) ? OverlongInput.Fail : OverlongInput.Truncate,
            });
            var logits = new float[loaded.Labels.Count];
            var ci = CultureInfo.InvariantCulture;
            foreach (string text in parseResult.GetValue(texts)!)
            {
                Classification result;
                try
                {
                    result = session.Classify(text, logits);
                }
                catch (InputTooLongException ex)
                {
                    e.WriteLine($"edgebert: error: {ex.Message}");
                    return Program.ExitBadInput;
                }
                float max = logits.Max();
                double sum = logits.Sum(z => Math.Exp(z - max));
                string scores = string.Join(" ", loaded.Labels.Select((label, i) => string.Create(ci, $"{label}={Math.Exp(logits[i] - max) / sum:F4}")));
                o.WriteLine(string.Create(ci, $"{result.LabelName}\t{result.Score:F4}\t{scores}\t{result.TokenCount} tokens{(result.Truncated ? " (truncated)" : "")}"));
            }
            return Program.ExitOk;
        });
        return command;
    }
}
