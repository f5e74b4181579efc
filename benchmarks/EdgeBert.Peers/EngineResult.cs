using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeBert.Peers;

/// <summary>One way of running the batch and how fast it went.</summary>
/// <param name="Strategy">Short name: <c>own-length</c>, <c>sorted-8</c>, <c>padded-32</c>.</param>
/// <param name="Description">What the engine was given per call.</param>
/// <param name="Pass">Time of one pass over every text of the batch.</param>
/// <param name="SequencesPerSecond">Texts per second of the median pass.</param>
/// <param name="ComputedTokens">Tokens the engine computes per pass, padding included.</param>
internal sealed record BatchResult(
    [property: JsonPropertyName("strategy")] string Strategy,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("pass")] Timing Pass,
    [property: JsonPropertyName("sequences_per_second")] double SequencesPerSecond,
    [property: JsonPropertyName("computed_tokens")] int ComputedTokens)
{
    /// <summary>The result of timing <paramref name="pass"/> over <paramref name="sequences"/> texts.</summary>
    internal static BatchResult Of(string strategy, string description, Timing pass, int sequences, int computedTokens) =>
        new(strategy, description, pass, sequences * 1000.0 / pass.MedianMs, computedTokens);
}

/// <summary>One engine variant at one thread count: its latency, batch throughput and outputs (for the cross-checks).</summary>
/// <param name="Engine"><c>edgebert</c> or <c>onnxruntime</c>.</param>
/// <param name="Variant">Scheme or model: <c>fp32</c>, <c>w1a1</c>, <c>int8</c>, ….</param>
/// <param name="Threads">Threads the engine was told to use.</param>
/// <param name="Single">Latency of the 128-token sequence, batch 1.</param>
/// <param name="Batch">Every batch strategy timed.</param>
/// <param name="SingleLogits">Logits of the 128-token sequence.</param>
/// <param name="BatchLogits">Logits of every batch text, in input order.</param>
internal sealed record EngineResult(
    [property: JsonPropertyName("engine")] string Engine,
    [property: JsonPropertyName("variant")] string Variant,
    [property: JsonPropertyName("threads")] int Threads,
    [property: JsonPropertyName("single")] Timing Single,
    [property: JsonPropertyName("batch")] BatchResult[] Batch,
    [property: JsonPropertyName("single_logits")] float[] SingleLogits,
    [property: JsonPropertyName("batch_logits")] float[][] BatchLogits);

/// <summary>The JSON document one engine process writes: its results and facts about the run.</summary>
/// <param name="Results">One entry per variant and thread count.</param>
/// <param name="Info">Runtime, kernels and settings, as text.</param>
internal sealed record EngineReport(
    [property: JsonPropertyName("results")] IReadOnlyList<EngineResult> Results,
    [property: JsonPropertyName("info")] IReadOnlyDictionary<string, string> Info)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Writes the report to <paramref name="path"/>.</summary>
    internal void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Indented));
}
