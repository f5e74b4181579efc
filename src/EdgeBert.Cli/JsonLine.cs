using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace EdgeBert.Cli;

/// <summary>One JSON object on one line (the <c>--json</c> output of every command), written without reflection so NativeAOT needs no metadata.</summary>
internal static class JsonLine
{
    // Non-ASCII text stays readable (UTF-8) instead of \uXXXX escapes; JSON-significant characters are still escaped.
    private static readonly JsonWriterOptions s_options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes one object whose members <paramref name="members"/> adds.</summary>
    internal static string Write(Action<Utf8JsonWriter> members)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, s_options))
        {
            writer.WriteStartObject();
            members(writer);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
