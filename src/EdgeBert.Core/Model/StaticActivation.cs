namespace EdgeBert.Encoder;

/// <summary>
/// A static 4-bit activation quantizer with a learned step (LSQ, BinaryBERT W1A4), read from
/// <c>&lt;linear&gt;.act_scale</c>: q = clamp(round(x / s), Qn, Qp), float32 division, round half to
/// even, value = s·q. Signed inputs use [−8, 7]; a linear whose input is a ReLU output (the FFN out
/// linear of a ReLU model) uses [0, 15]. The bit-serial kernel takes unsigned codes, so q is
/// stored as q − Qn with zero point −Qn.
/// </summary>
internal sealed class StaticActivation
{
    /// <exception cref="ArgumentException">The step is not a positive finite number.</exception>
    public StaticActivation(float step, bool unsignedInput)
    {
        if (!(step > 0f) || !float.IsFinite(step)) throw new ArgumentException($"The activation step must be positive and finite (got {step}).", nameof(step));
        Step = step;
        Qn = unsignedInput ? 0 : -8;
        Qp = unsignedInput ? 15 : 7;
    }

    public float Step { get; }

    public int Qn { get; }

    public int Qp { get; }

    /// <summary>The zero point of the unsigned codes: −Qn.</summary>
    public int ZeroPoint => -Qn;

    /// <summary>Codes q − Qn ∈ [0, 15] of every value of <paramref name="x"/>.</summary>
    public void Quantize(ReadOnlySpan<float> x, Span<byte> codes)
    {
        if (codes.Length < x.Length) throw new ArgumentException($"{codes.Length} codes for {x.Length} values.", nameof(codes));
        for (int i = 0; i < x.Length; i++)
        {
            float v = x[i];
            if (!float.IsFinite(v)) throw new ArgumentException("Cannot quantize NaN or infinite activations.", nameof(x));
            codes[i] = (byte)(Math.Clamp((int)MathF.Round(v / Step), Qn, Qp) - Qn);
        }
    }
}
