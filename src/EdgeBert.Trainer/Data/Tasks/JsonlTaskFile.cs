using System.Text.Encodings.Web;
using System.Text.Json;

namespace EdgeBert.Trainer.Data.Tasks;

/// <summary>
/// Labelled examples as JSON Lines, one object per line: <c>{"text": ..., "label": ...}</c> or
/// <c>{"text": ..., "text_pair": ..., "label": ...}</c>, with an optional <c>"view"</c> (which view of its source the example is). Labels may be strings or integers (read as
/// their decimal text); other fields are ignored; blank lines are skipped.
/// </summary>
public static class JsonlTaskFile
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Readable non-ASCII text in the files; JSON stays valid because quotes and controls are escaped.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Streams the examples of a JSONL file.</summary>
    /// <exception cref="DataFormatException">A line is not a JSON object with a string "text" and a
    /// string or integer "label"; the message names the file and line.</exception>
    public static IEnumerable<LabeledExample> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var reader = File.OpenText(path);
        long lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            yield return ParseLine(path, lineNumber, line);
        }
    }

    /// <summary>Writes examples to <paramref name="path"/> (directories created); returns how many.</summary>
    public static int Write(string path, IEnumerable<LabeledExample> examples)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(examples);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
        using var stream = File.Create(path);
        using var writer = new Utf8JsonWriter(stream, WriterOptions);
        int count = 0;
        foreach (var example in examples)
        {
            writer.WriteStartObject();
            writer.WriteString("text", example.Text);
            if (example.TextPair is not null)
            {
                writer.WriteString("text_pair", example.TextPair);
            }
            writer.WriteString("label", example.Label);
            if (example.View is not null)
            {
                writer.WriteString("view", example.View);
            }
            writer.WriteEndObject();
            writer.Flush();
            // One object per line: the writer is reset so that it does not add a separator.
            stream.WriteByte((byte)'\n');
            writer.Reset();
            count++;
        }
        return count;
    }

    private static LabeledExample ParseLine(string path, long lineNumber, string line)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new DataFormatException(path, lineNumber, $"invalid JSON: {e.Message}", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new DataFormatException(path, lineNumber, $"expected a JSON object, found {root.ValueKind}");
            }
            var text = RequiredString(path, lineNumber, root, "text");
            string? pair = null;
            if (root.TryGetProperty("text_pair", out var pairElement) && pairElement.ValueKind != JsonValueKind.Null)
            {
                pair = pairElement.ValueKind == JsonValueKind.String
                    ? pairElement.GetString()!
                    : throw new DataFormatException(path, lineNumber, $"\"text_pair\" must be a string, found {pairElement.ValueKind}");
            }
            if (!root.TryGetProperty("label", out var label))
            {
                throw new DataFormatException(path, lineNumber, "missing \"label\"");
            }
            var labelText = label.ValueKind switch
            {
                JsonValueKind.String => label.GetString()!,
                JsonValueKind.Number when label.TryGetInt64(out long n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => throw new DataFormatException(path, lineNumber, $"\"label\" must be a string or an integer, found {label.ValueKind} {label.GetRawText()}"),
            };
            string? view = null;
            if (root.TryGetProperty("view", out var viewElement) && viewElement.ValueKind != JsonValueKind.Null)
            {
                view = viewElement.ValueKind == JsonValueKind.String
                    ? viewElement.GetString()!
                    : throw new DataFormatException(path, lineNumber, $"\"view\" must be a string, found {viewElement.ValueKind}");
            }
            return new LabeledExample(text, labelText, pair) { View = view };
        }
    }

    private static string RequiredString(string path, long lineNumber, JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var element))
        {
            throw new DataFormatException(path, lineNumber, $"missing \"{name}\"");
        }
        return element.ValueKind == JsonValueKind.String
            ? element.GetString()!
            : throw new DataFormatException(path, lineNumber, $"\"{name}\" must be a string, found {element.ValueKind}");
    }
}
