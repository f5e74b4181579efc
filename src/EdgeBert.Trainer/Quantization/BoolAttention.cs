using EdgeBert.Trainer.Autograd;

namespace EdgeBert.Trainer.Quantization;

/// <summary>
/// Bi-Attention's bool function (METHODS.md §3, §6.7): 1[A &gt; 0], so A = 0 gives 0 as in BiBERT's
/// code and the runtime. Backward: STE 1[|A| &lt; 1].
/// </summary>
public static class BoolAttention
{
    private static readonly CustomOp Op = new("bool_attention", Forward, QuantizerChecks.MaskedBackward);

    /// <summary>Applies bool to attention scores <paramref name="scores"/>.</summary>
    /// <exception cref="ArgumentException">A score is NaN or infinite.</exception>
    public static Tensor Apply(Tensor scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        return Op.Apply(scores);
    }

    private static CustomResult Forward(IReadOnlyList<Tensor> inputs)
    {
        Tensor a = inputs[0];
        QuantizerChecks.ThrowIfNotFinite(a, Op.Name);
        var values = new float[a.Length];
        var pass = new bool[a.Length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = a.Data[i] > 0f ? 1f : 0f;
            pass[i] = MathF.Abs(a.Data[i]) < 1f;
        }
        return new CustomResult(values, a.ShapeArray(), pass);
    }
}
