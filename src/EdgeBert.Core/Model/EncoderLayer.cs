namespace EdgeBert.Encoder;

/// <summary>One transformer layer's parameters: Q, K, V, attention output, FFN in and out, two LayerNorms.</summary>
internal sealed class EncoderLayer
{
    public required int Index { get; init; }
    public required LinearScheme Scheme { get; init; }
    public required QuantizedLinear Query { get; init; }
    public required QuantizedLinear Key { get; init; }
    public required QuantizedLinear Value { get; init; }
    public required QuantizedLinear Output { get; init; }
    public required float[] AttentionGamma { get; init; }
    public required float[] AttentionBeta { get; init; }
    public required QuantizedLinear FfnIn { get; init; }
    public required QuantizedLinear FfnOut { get; init; }
    public required float[] FfnGamma { get; init; }
    public required float[] FfnBeta { get; init; }

    /// <summary>Trace names, made once so tracing does not allocate.</summary>
    public required string[] SignNames { get; init; }
}
