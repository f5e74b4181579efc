using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using EdgeBert.Cli.Input;
using EdgeBert.Cli.Models;

namespace EdgeBert.Cli.Commands;

/// <summary>
/// <c>edgebert embed [TEXT...]</c>: the sequence embedding of each text (the model's pooling:
/// pooler, [CLS] or mean; H floats), one line per text: space-separated values that round-trip
/// to the same float32; with <c>--json</c> an object with the vector, tokens, truncation and time.
/// Works with encoder-only models.
/// </summary>
internal static class EmbedCommand
{
    internal static Command Create(CliEnvironment environment)
    {
        var common = new CommonOptions();
        var texts = new Argument<string[]>("text") { Description = "Texts to embed (default: one per line on standard input).", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("embed", "Print the sequence embedding of each text.")
        {
            common.Model, common.Threads, common.NoTruncate, common.Json, texts,
        };
        command.SetAction(parseResult =>
        {
            var o = parseResult.InvocationConfiguration.Output;
            var inputs = TextInputs.Read(parseResult.GetValue(texts), environment, "embed");
            using var model = RuntimeModels.Load(parseResult.GetValue(common.Model), environment);
            var session = RuntimeModels.CreateSession(model, parseResult.GetValue(common.Threads), parseResult.GetValue(common.NoTruncate), "embed");
            bool json = parseResult.GetValue(common.Json);
            var embedding = new float[model.HiddenSize];
            var ci = CultureInfo.InvariantCulture;
            foreach (string text in inputs)
            {
                long start = Stopwatch.GetTimestamp();
                var result = session.Embed(text, embedding);
                double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (!json)
                {
                    // "R" gives the shortest text that parses back to the same float.
                    o.WriteLine(string.Join(' ', embedding.Select(v => v.ToString("R", ci))));
                    continue;
                }
                o.WriteLine(JsonLine.Write(w =>
                {
                    w.WriteString("text", text);
                    w.WriteStartArray("embedding");
                    foreach (float v in embedding) w.WriteNumberValue(v);
                    w.WriteEndArray();
                    w.WriteNumber("tokens", result.TokenCount);
                    w.WriteBoolean("truncated", result.Truncated);
                    w.WriteNumber("ms", Math.Round(ms, 3));
                }));
            }
            return Program.ExitOk;
        });
        return command;
    }
}
