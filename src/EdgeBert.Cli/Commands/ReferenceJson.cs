using System.Text.Json;
using EdgeBert.Runtime;

namespace EdgeBert.Cli.Commands;

/// <summary>
/// The file formats of scripts/torch/bert_reference.py, for holding the runtime to the PyTorch
/// reference (scripts/test.d/encoder-torch.sh): token ids in (<c>[{"ids": [...], "type_ids": [...]}, ...]</c>)
/// and logits, pooled vectors and last hidden states out.
/// </summary>
internal static class ReferenceJson
{
    /// <summary>Reads an ids file.</summary>
    /// <exception cref="CliException">Unreadable or malformed (exit 1), naming the file.</exception>
    internal static List<(int[] Ids, int[] Types)> ReadIds(string path)
    {
        try
        {
            return ParseIds(File.ReadAllBytes(path));
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            throw new CliException($"{path}: {ex.Message}");
        }
    }

    /// <summary>Parses <c>[{"ids": [...], "type_ids": [...]}, ...]</c> (type_ids optional).</summary>
    internal static List<(int[] Ids, int[] Types)> ParseIds(byte[] utf8)
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

    /// <summary>Runs every text (or id sequence) and writes the reference-format JSON to <paramref name="path"/> ('-': <paramref name="output"/>).</summary>
    internal static void Write(Model model, Session session, IReadOnlyList<string> texts, List<(int[] Ids, int[] Types)> sequences, bool hidden, string path, TextWriter output)
    {
        int h = model.HiddenSize, count = texts.Count > 0 ? texts.Count : sequences.Count;
        var ids = new int[model.MaxLength];
        var types = new int[model.MaxLength];
        var logits = new float[model.Labels.Count];
        var pooled = new float[h];
        var states = new float[model.MaxLength * h];
        var rows = new List<(float[] Logits, float[] Pooled, float[] Hidden, int Tokens)>();
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<int> seq, seqTypes;
            if (texts.Count > 0)
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
