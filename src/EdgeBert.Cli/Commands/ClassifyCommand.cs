using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using EdgeBert.Runtime;
using EdgeBert.Text;

namespace EdgeBert.Cli.Commands;

/// <summary>
/// <c>edgebert classify --model FILE TEXT...</c>: runs the model on each text and prints the
/// label, its probability and the softmax over all labels, one line per text.
/// With <c>--ids FILE</c> it reads token ids instead (the JSON of scripts/torch/bert_reference.py:
/// <c>[{"ids": [...], "type_ids": [...]}, ...]</c>), and <c>--json FILE</c> writes the logits
/// (with <c>--hidden</c> also the pooled vectors and last hidden states) in that script's output
/// format, so the runtime can be compared with the PyTorch reference.
/// </summary>
internal static class ClassifyCommand
{
    internal static Command Create()
    {
        var model = new Option<string>("--model") { Description = "The .ebm model.", Required = true };
        var threads = new Option<int>("--threads") { Description = "Kernel threads.", DefaultValueFactory = _ => 1 };
        var strict = new Option<bool>("--no-truncate") { Description = "Fail on text longer than the model's maximum length instead of truncating it." };
        var ids = new Option<string?>("--ids") { Description = "Classify token ids from this JSON file instead of texts: [{\"ids\": [...], \"type_ids\": [...]}, ...]." };
        var json = new Option<string?>("--json") { Description = "Write logits as JSON to this file ('-' for stdout) instead of the text report." };
        var hidden = new Option<bool>("--hidden") { Description = "With --json: also write pooled vectors and last hidden states." };
        var texts = new Argument<string[]>("text") { Description = "Texts to classify.", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("classify", "Classify texts (or token ids) with a model: label, probability and all label scores.")
        {
            model, threads, strict, ids, json, hidden, texts,
        };
        command.SetAction(parseResult =>
        {
            var o = parseResult.InvocationConfiguration.Output;
            var e = parseResult.InvocationConfiguration.Error;
            int threadCount = parseResult.GetValue(threads);
            string[] inputs = parseResult.GetValue(texts) ?? [];
            string? idsPath = parseResult.GetValue(ids);
            if (threadCount < 1) return Fail(e, $"--threads must be at least 1 (got {threadCount})");
            if ((inputs.Length == 0) == (idsPath is null)) return Fail(e, "give either texts or --ids FILE");
            List<(int[] Ids, int[] Types)> sequences;
            try
            {
                sequences = idsPath is null ? [] : ReadIds(File.ReadAllBytes(idsPath));
            }
            catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
            {
                return Fail(e, $"{idsPath}: {ex.Message}");
            }
            using var loaded = Model.Load(parseResult.GetValue(model)!);
            string? jsonPath = parseResult.GetValue(json);
            if (loaded.Labels.Count == 0 && jsonPath is null)
            {
                return Fail(e, $"{loaded.Source} has no labels (an encoder-only model cannot classify)");
            }
            var session = loaded.CreateSession(new SessionOptions
            {
                Threads = threadCount,
                Overlong = parseResult.GetValue(strict) ? OverlongInput.Fail : OverlongInput.Truncate,
            });
            try
            {
                if (jsonPath is not null)
                {
                    WriteJson(loaded, session, inputs, sequences, parseResult.GetValue(hidden), jsonPath, o);
                    return Program.ExitOk;
                }
                var logits = new float[loaded.Labels.Count];
                int count = idsPath is null ? inputs.Length : sequences.Count;
                for (int i = 0; i < count; i++)
                {
                    var result = idsPath is null ? session.Classify(inputs[i], logits) : session.ClassifyTokens(sequences[i].Ids, sequences[i].Types, logits);
                    o.WriteLine(Line(loaded, result, logits));
                }
            }
            catch (ArgumentException ex)
            {
                // Over-long text with --no-truncate, or ids outside the vocabulary or the positions.
                return Fail(e, ex.Message);
            }
            return Program.ExitOk;
        });
        return command;
    }

    private static int Fail(TextWriter error, string message)
    {
        error.WriteLine($"edgebert: error: {message}");
        return Program.ExitBadInput;
    }

    private static string Line(Model model, Classification result, float[] logits)
    {
        var ci = CultureInfo.InvariantCulture;
        float max = logits.Max();
        double sum = logits.Sum(z => Math.Exp(z - max));
        string scores = string.Join(" ", model.Labels.Select((label, i) => string.Create(ci, $"{label}={Math.Exp(logits[i] - max) / sum:F4}")));
        return string.Create(ci, $"{result.LabelName}\t{result.Score:F4}\t{scores}\t{result.TokenCount} tokens{(result.Truncated ? " (truncated)" : "")}");
    }

    /// <summary>Parses <c>[{"ids": [...], "type_ids": [...]}, ...]</c> (type_ids optional).</summary>
    internal static List<(int[] Ids, int[] Types)> ReadIds(byte[] utf8)
    {
        using var document = JsonDocument.Parse(utf8);
        if (document.RootElement.ValueKind != JsonValueKind.Array) throw new FormatException("expected a JSON list of {\"ids\": [...]} objects");
        var sequences = new List<(int[], int[])>();
        foreach (var item in document.RootElement.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("ids", out var idList) || idList.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException($"sequence {sequences.Count} has no \"ids\" list");
            }
            int[] idValues = idList.EnumerateArray().Select(v => v.GetInt32()).ToArray();
            int[] types = item.TryGetProperty("type_ids", out var typeList) && typeList.ValueKind == JsonValueKind.Array
                ? typeList.EnumerateArray().Select(v => v.GetInt32()).ToArray() : [];
            sequences.Add((idValues, types));
        }
        return sequences;
    }

    private static void WriteJson(Model model, Session session, string[] texts, List<(int[] Ids, int[] Types)> sequences, bool hidden, string path, TextWriter output)
    {
        int h = model.HiddenSize, count = texts.Length > 0 ? texts.Length : sequences.Count;
        var ids = new int[model.MaxLength];
        var types = new int[model.MaxLength];
        var logits = new float[model.Labels.Count];
        var pooled = new float[h];
        var states = new float[model.MaxLength * h];
        var rows = new List<(float[] Logits, float[] Pooled, float[] Hidden, int Tokens)>();
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<int> seq, seqTypes;
            if (texts.Length > 0)
            {
                int n = session.Tokenize(texts[i], ids, types, out _);
                seq = ids.AsSpan(0, n);
                seqTypes = types.AsSpan(0, n);
            }
            else
            {
                seq = sequences[i].Ids;
                seqTypes = sequences[i].Types;
            }
            if (model.Labels.Count > 0) session.ClassifyTokens(seq, seqTypes, logits);
            session.EmbedTokens(seq, seqTypes, pooled);
            if (hidden) session.EncodeTokens(seq, seqTypes, states);
            rows.Add((model.Labels.Count > 0 ? logits.ToArray() : pooled.ToArray(), pooled.ToArray(), states.AsSpan(0, seq.Length * h).ToArray(), seq.Length));
        }
        using var stream = path == "-" ? new MemoryStream() : (Stream)File.Create(path);
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("model", model.Source);
            writer.WriteString("dtype", "float32");
            writer.WriteStartArray("labels");
            foreach (string label in model.Labels) writer.WriteStringValue(label);
            writer.WriteEndArray();
            WriteRows(writer, "logits", rows.Select(r => r.Logits));
            if (hidden)
            {
                WriteRows(writer, "pooled", rows.Select(r => r.Pooled));
                writer.WriteStartArray("hidden");
                foreach (var r in rows) WriteMatrix(writer, r.Hidden, r.Tokens, h);
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
        }
        if (stream is MemoryStream memory) output.WriteLine(System.Text.Encoding.UTF8.GetString(memory.ToArray()));
    }

    private static void WriteRows(Utf8JsonWriter writer, string name, IEnumerable<float[]> rows)
    {
        writer.WriteStartArray(name);
        foreach (float[] row in rows)
        {
            writer.WriteStartArray();
            foreach (float v in row) writer.WriteNumberValue(v);
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
    }

    private static void WriteMatrix(Utf8JsonWriter writer, float[] values, int rows, int columns)
    {
        writer.WriteStartArray();
        for (int r = 0; r < rows; r++)
        {
            writer.WriteStartArray();
            for (int c = 0; c < columns; c++) writer.WriteNumberValue(values[r * columns + c]);
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
    }
}
