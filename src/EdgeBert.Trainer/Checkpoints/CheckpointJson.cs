using System.Text.Json.Serialization;
using EdgeBert.Trainer.Model;

namespace EdgeBert.Trainer.Checkpoints;

/// <summary>Source-generated JSON for checkpoint files (camelCase, indented, no reflection).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(BertConfig))]
[JsonSerializable(typeof(ModelScores))]
internal sealed partial class CheckpointJson : JsonSerializerContext;
