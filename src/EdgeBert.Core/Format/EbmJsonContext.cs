using System.Text.Json.Serialization;

namespace EdgeBert.Format;

/// <summary>
/// Source-generated JSON (de)serialisation of <see cref="EbmMetadata"/>: no reflection, so it
/// works under NativeAOT and trimming. Null for a non-nullable member is an error.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowTrailingCommas = false,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow,
    MaxDepth = 16)]
[JsonSerializable(typeof(EbmMetadata))]
internal sealed partial class EbmJsonContext : JsonSerializerContext
{
}
