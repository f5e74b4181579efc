using System.Numerics.Tensors;

namespace EdgeBert.Encoder.Quantization;

/// <summary>
/// The A8 rule (docs/inference.md): dynamic, symmetric, per token. scale = max|x| / 127 and
/// q = clamp(round(x / scale), −127, 127) with ties to even; a row of zeros gets scale 1 and
/// q = 0. The trainer simulates exactly this expression, so both must stay as written.
/// </summary>
public static class ActivationQuantizer
{
    /// <summary>The largest code magnitude; −128 is never used, so the range is symmetric.</summary>
    public const int MaxCode = 127;

    /// <summary>Quantizes one row; returns its scale.</summary>
    public static float QuantizeSymmetric(ReadOnlySpan<float> row, Span<sbyte> codes)
    {
        if (codes.Length < row.Length) throw new ArgumentException($"Codes span has {codes.Length} bytes for a row of {row.Length} values.", nameof(codes));
        float absMax = row.IsEmpty ? 0f : TensorPrimitives.MaxMagnitude(row);
        absMax = MathF.Abs(absMax);
        if (!float.IsFinite(absMax)) throw new ArgumentException("Cannot quantize a row with NaN or infinite values.", nameof(row));
        if (absMax == 0f)
        {
            codes.Slice(0, row.Length).Clear();
            return 1f;
        }
        float scale = absMax / MaxCode;
        for (int i = 0; i < row.Length; i++)
        {
            codes[i] = (sbyte)Math.Clamp((int)MathF.Round(row[i] / scale), -MaxCode, MaxCode);
        }
        return scale;
    }
}
