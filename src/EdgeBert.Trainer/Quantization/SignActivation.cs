using EdgeBert.Trainer.Autograd;

namespace EdgeBert.Trainer.Quantization;

/// <summary>
/// 1-bit activations (METHODS.md §6.6): sign(x) with sign(0) = sign(−0) = +1, the runtime's A1
/// (bit 1 only when x &lt; 0). Backward: STE 1[|x| ≤ 1].
/// </summary>
public static class SignActivation
{
    private static readonly CustomOp Op = new("a1_sign", Forward, QuantizerChecks.MaskedBackward);

    /// <summary>Applies the sign to <paramref name="x"/>.</summary>
    /// <exception cref="ArgumentException">An input is NaN or infinite.</exception>
    public static Tensor Apply(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Op.Apply(x);
    }

    private static CustomResult Forward(IReadOnlyList<Tensor> inputs)
    {
        Tensor x = inputs[0];
        QuantizerChecks.ThrowIfNotFinite(x, Op.Name);
        var values = new float[x.Length];
        var pass = new bool[x.Length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = x.Data[i] < 0f ? -1f : 1f;
            pass[i] = MathF.Abs(x.Data[i]) <= 1f;
        }
        return new CustomResult(values, x.ShapeArray(), pass);
    }
}
