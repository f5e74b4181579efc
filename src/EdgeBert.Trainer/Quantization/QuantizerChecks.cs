using EdgeBert.Trainer.Autograd;

namespace EdgeBert.Trainer.Quantization;

/// <summary>Input checks shared by the quantizer ops, so bad input fails with a message instead of NaN weights.</summary>
internal static class QuantizerChecks
{
    public static void ThrowIfNotFinite(Tensor t, string op)
    {
        float[] d = t.Data;
        for (int i = 0; i < d.Length; i++)
        {
            if (!float.IsFinite(d[i])) throw new ArgumentException($"{op}: element {i} of {t} is {d[i]}; inputs must be finite.");
        }
    }

    /// <summary>Rows = product of all but the last axis (tokens); columns = the last axis (features).</summary>
    public static (int Rows, int Columns) Rows(Tensor t, string op)
    {
        if (t.Rank < 1) throw new ArgumentException($"{op}: {t} must have at least one axis.");
        int columns = t.Dim(-1);
        if (columns == 0) return (0, 0);
        return (t.Length / columns, columns);
    }

    public static void ThrowIfNotMatrix(Tensor t, string op)
    {
        if (t.Rank != 2) throw new ArgumentException($"{op}: expects a matrix [rows, columns], got {t}.");
    }

    /// <summary>Identity straight-through backward: d(loss)/d(w) = d(loss)/d(ŵ).</summary>
    public static void IdentityBackward(CustomBackwardContext context)
    {
        if (!context.NeedsGrad(0)) return;
        Span<float> g = context.InputGrad(0);
        ReadOnlySpan<float> up = context.OutputGrad;
        for (int i = 0; i < g.Length; i++) g[i] += up[i];
    }

    /// <summary>Masked straight-through backward: the gradient passes where the saved mask is true.</summary>
    public static void MaskedBackward(CustomBackwardContext context)
    {
        if (!context.NeedsGrad(0)) return;
        bool[] pass = (bool[])context.State!;
        Span<float> g = context.InputGrad(0);
        ReadOnlySpan<float> up = context.OutputGrad;
        for (int i = 0; i < g.Length; i++)
        {
            if (pass[i]) g[i] += up[i];
        }
    }
}
