using System.Text.Json;
using EdgeBert.Cli.Input;

namespace EdgeBert.Cli.Eval;

/// <summary>
/// Reads the labelled texts of <c>edgebert eval --data FILE</c>, strictly (any malformed line is an
/// error naming the file and line, nothing is skipped silently except blank lines):
/// <list type="bullet">
/// <item><c>.jsonl</c>: one object per line with a string <c>"text"</c> and a string or integer <c>"label"</c>
/// (the trainer's format), optionally a string <c>"view"</c> (the importer's views of a mail: eval
/// reports each view on its own); other fields are ignored;</item>
/// <item><c>.tsv</c>: GLUE style, a header row naming a <c>sentence</c> (or <c>text</c>) column and a
/// <c>label</c> column, tab-separated fields without quoting.</item>
/// </list>
/// The CLI does not reference the trainer (the binary would grow by its dependencies), hence this small reader.
/// </summary>
internal static class EvalDataReader
{
    /// <summary>All examples of <paramref name="path"/>, by its extension.</summary>
    /// <exception cref="CliException">Unknown extension, invalid UTF-8, a malformed line, or no examples (exit 1).</exception>
    internal static IReadOnlyList<EvalExample> Read(string path)
    {
        string extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is not (".jsonl" or ".tsv"))
        {
            throw new CliException($"{path}: cannot tell the format from the extension '{extension}'; use .jsonl or .tsv");
        }
        string text;
        try
        {
            text = TextInputs.Decode(File.ReadAllBytes(path));
        }
        catch (CliException ex)
        {
            throw new CliException($"{path}: {ex.Message.Replace("standard input", "file", StringComparison.Ordinal)}");
        }
        var lines = TextInputs.SplitLines(text);
        var examples = extension == ".jsonl" ? ReadJsonl(path, lines) : ReadTsv(path, lines);
        if (examples.Count == 0) throw new CliException($"{path}: no examples");
        return examples;
    }

    private static List<EvalExample> ReadJsonl(string path, IReadOnlyList<string> lines)
    {
        var examples = new List<EvalExample>();
        for (int i = 0; i < lines.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            long line = i + 1;
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(lines[i]);
            }
            catch (JsonException ex)
            {
                throw Error(path, line, $"invalid JSON: {ex.Message}");
            }
            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object) throw Error(path, line, $"expected a JSON object, found {root.ValueKind}");
                if (!root.TryGetProperty("text", out var textElement) || textElement.ValueKind != JsonValueKind.String)
                {
                    throw Error(path, line, "\"text\" must be a string");
                }
                if (root.TryGetProperty("text_pair", out var pair) && pair.ValueKind != JsonValueKind.Null)
                {
                    throw Error(path, line, "sentence pairs (\"text_pair\") are not supported by edgebert eval");
                }
                if (!root.TryGetProperty("label", out var label)) throw Error(path, line, "missing \"label\"");
                string labelText = label.ValueKind switch
                {
                    JsonValueKind.String => label.GetString()!,
                    JsonValueKind.Number when label.TryGetInt64(out long n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    _ => throw Error(path, line, $"\"label\" must be a string or an integer, found {label.ValueKind}"),
                };
                if (labelText.Length == 0) throw Error(path, line, "empty label");
                string? view = null;
                if (root.TryGetProperty("view", out var viewElement) && viewElement.ValueKind != JsonValueKind.Null)
                {
                    view = viewElement.ValueKind == JsonValueKind.String && viewElement.GetString()!.Length > 0
                        ? viewElement.GetString()
                        : throw Error(path, line, $"\"view\" must be a non-empty string, found {viewElement.ValueKind}");
                }
                examples.Add(new EvalExample(textElement.GetString()!, labelText, line, view));
            }
        }
        return examples;
    }

    private static List<EvalExample> ReadTsv(string path, IReadOnlyList<string> lines)
    {
        var examples = new List<EvalExample>();
        if (lines.Count == 0) return examples;
        string[] header = lines[0].Split('\t');
        int textColumn = Array.FindIndex(header, h => h is "sentence" or "text");
        int labelColumn = Array.IndexOf(header, "label");
        if (textColumn < 0 || labelColumn < 0)
        {
            throw Error(path, 1, $"the header must name a 'sentence' (or 'text') and a 'label' column; found: {string.Join(", ", header)}");
        }
        int needed = Math.Max(textColumn, labelColumn) + 1;
        for (int i = 1; i < lines.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            string[] fields = lines[i].Split('\t');
            if (fields.Length < needed) throw Error(path, i + 1, $"{fields.Length} tab-separated fields, the header needs {needed}");
            if (fields[labelColumn].Length == 0) throw Error(path, i + 1, "empty label");
            examples.Add(new EvalExample(fields[textColumn], fields[labelColumn], i + 1));
        }
        return examples;
    }

    private static CliException Error(string path, long line, string message) => new($"{path}:{line}: {message}");
}
