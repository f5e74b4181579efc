using EdgeBert.Format;

namespace EdgeBert.Encoder;

/// <summary>
/// How one linear layer computes: weight bits and activation bits (the W·A notation of the
/// papers). The encoder reads it per layer from <see cref="LayerScheme"/>.
/// </summary>
public enum LinearScheme
{
    /// <summary>f32 weights, f32 activations.</summary>
    Fp32,
    /// <summary>int8 weights (per-row scale), dynamic per-token symmetric int8 activations.</summary>
    W8A8,
    /// <summary>Ternary weights (TWN alpha), dynamic per-token symmetric int8 activations.</summary>
    W2A8,
    /// <summary>Binary weights (alpha per row), dynamic per-token symmetric int8 activations.</summary>
    W1A8,
    /// <summary>Binary weights, dynamic per-token 4-bit min-max activations with a zero point.</summary>
    W1A4,
    /// <summary>Binary weights, sign activations (BiBERT): xnor-popcount.</summary>
    W1A1,
}

/// <summary>Conversions between <see cref="LinearScheme"/>, layer metadata and tensor dtypes.</summary>
public static class LinearSchemes
{
    /// <summary>Every scheme, in declaration order.</summary>
    public static IReadOnlyList<LinearScheme> All { get; } = Enum.GetValues<LinearScheme>();

    /// <summary>
    /// The scheme of a layer's metadata, or null when the runtime does not implement that
    /// combination of weight and activation bits.
    /// </summary>
    public static LinearScheme? FromLayer(LayerScheme layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return (layer.WeightBits, layer.ActivationBits) switch
        {
            (32, 32) => LinearScheme.Fp32,
            (8, 8) => LinearScheme.W8A8,
            (2, 8) => LinearScheme.W2A8,
            (1, 8) => LinearScheme.W1A8,
            (1, 4) => LinearScheme.W1A4,
            (1, 1) => LinearScheme.W1A1,
            _ => null,
        };
    }

    /// <summary>The metadata entry describing <paramref name="scheme"/>.</summary>
    public static LayerScheme ToLayer(LinearScheme scheme, QuantMethod method = QuantMethod.None) =>
        new() { WeightBits = WeightBits(scheme), ActivationBits = ActivationBits(scheme), Method = method };

    /// <summary>Bits per weight: 32, 8, 2 or 1.</summary>
    public static int WeightBits(LinearScheme scheme) => scheme switch
    {
        LinearScheme.Fp32 => 32,
        LinearScheme.W8A8 => 8,
        LinearScheme.W2A8 => 2,
        _ => 1,
    };

    /// <summary>Bits per activation: 32, 8, 4 or 1.</summary>
    public static int ActivationBits(LinearScheme scheme) => scheme switch
    {
        LinearScheme.Fp32 => 32,
        LinearScheme.W1A4 => 4,
        LinearScheme.W1A1 => 1,
        _ => 8,
    };

    /// <summary>The dtype a weight of this scheme is stored as.</summary>
    public static EbmDType WeightDType(LinearScheme scheme) => scheme switch
    {
        LinearScheme.Fp32 => EbmDType.F32,
        LinearScheme.W8A8 => EbmDType.I8,
        LinearScheme.W2A8 => EbmDType.Ternary,
        _ => EbmDType.Binary,
    };

    /// <summary>Parses "fp32", "w8a8", "w2a8", "w1a8", "w1a4" or "w1a1" (case-insensitive).</summary>
    public static bool TryParse(string? text, out LinearScheme scheme) =>
        Enum.TryParse(text?.Trim(), ignoreCase: true, out scheme) && Enum.IsDefined(scheme) && !int.TryParse(text, out _);

    /// <summary>The lower-case name ("w1a1").</summary>
    public static string Name(LinearScheme scheme) => scheme.ToString().ToLowerInvariant();
}
