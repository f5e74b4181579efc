using System.Numerics.Tensors;

namespace EdgeBert.Trainer.Autograd;

public static partial class Ops
{
    private static readonly double InvSqrt2 = 1.0 / Math.Sqrt(2.0);
    private static readonly double InvSqrt2Pi = 1.0 / Math.Sqrt(2.0 * Math.PI);

    /// <summary>GELU in its exact form x·Φ(x) = ½x(1 + erf(x/√2)), PyTorch's default.</summary>
    public static Tensor Gelu(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        float[] xd = x.Data;
        var y = new float[x.Length];
        ParallelRows.For(x.Length, 32, (s, e) =>
        {
            for (int i = s; i < e; i++) y[i] = (float)(0.5 * xd[i] * (1.0 + Erf.Of(xd[i] * InvSqrt2)));
        });

        return Unary(x, y, nameof(Gelu), (g, dx) => ParallelRows.For(x.Length, 32, (s, e) =>
        {
            // d/dx x·Φ(x) = Φ(x) + x·φ(x).
            for (int i = s; i < e; i++)
            {
                double v = xd[i];
                double cdf = 0.5 * (1.0 + Erf.Of(v * InvSqrt2));
                double pdf = InvSqrt2Pi * Math.Exp(-0.5 * v * v);
                dx[i] += (float)(g[i] * (cdf + v * pdf));
            }
        }));
    }

    /// <summary>ReLU max(x, 0); the gradient at exactly 0 is taken as 0, like PyTorch.</summary>
    public static Tensor Relu(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = new float[x.Length];
        TensorPrimitives.Max(x.Data, 0f, y);
        float[] xd = x.Data;
        return Unary(x, y, nameof(Relu), (g, dx) =>
        {
            for (int i = 0; i < dx.Length; i++)
            {
                if (xd[i] > 0f) dx[i] += g[i];
            }
        });
    }

    /// <summary>Hyperbolic tangent (the BERT pooler's activation).</summary>
    public static Tensor Tanh(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = new float[x.Length];
        TensorPrimitives.Tanh(x.Data, y);
        return Unary(x, y, nameof(Tanh), (g, dx) =>
        {
            // d tanh = 1 − y².
            for (int i = 0; i < dx.Length; i++) dx[i] += g[i] * (1f - y[i] * y[i]);
        });
    }

    /// <summary>Wraps an elementwise result; <paramref name="backward"/> adds into x's gradient buffer.</summary>
    private static Tensor Unary(Tensor x, float[] y, string op, Action<float[], float[]> backward)
    {
        bool record = Tape.ShouldRecord(x);
        var output = new Tensor(y, x.ShapeArray(), record);
        if (record) Tape.Record(output, op, [x], g => backward(g, x.GradBuffer()));
        return output;
    }
}
