using System.Numerics.Tensors;

namespace EdgeBert.Trainer.Autograd;

public static partial class Ops
{
    /// <summary>GELU in its exact form x·Φ(x) = ½x(1 + erf(x/√2)), PyTorch's default (not the tanh approximation).</summary>
    public static Tensor Gelu(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        float[] xd = x.Data;
        var y = new float[x.Length];
        ForBlocks(x.Length, (s, e) =>
        {
            Span<float> scratch = stackalloc float[2 * NormalCdf.Block];
            for (int i = s; i < e; i += NormalCdf.Block)
            {
                int n = Math.Min(NormalCdf.Block, e - i);
                ReadOnlySpan<float> xs = xd.AsSpan(i, n);
                Span<float> ys = y.AsSpan(i, n);
                NormalCdf.Cdf(xs, ys, scratch);
                TensorPrimitives.Multiply(ys, xs, ys);
            }
        });

        return Unary(x, y, nameof(Gelu), (g, dx) => ForBlocks(x.Length, (s, e) =>
        {
            // d/dx x·Φ(x) = Φ(x) + x·φ(x); Φ is recomputed rather than kept, to save activation memory.
            Span<float> scratch = stackalloc float[2 * NormalCdf.Block];
            Span<float> cdf = stackalloc float[NormalCdf.Block];
            Span<float> pdf = stackalloc float[NormalCdf.Block];
            for (int i = s; i < e; i += NormalCdf.Block)
            {
                int n = Math.Min(NormalCdf.Block, e - i);
                ReadOnlySpan<float> xs = xd.AsSpan(i, n);
                NormalCdf.Cdf(xs, cdf[..n], scratch);
                NormalCdf.Pdf(xs, pdf[..n]);
                TensorPrimitives.MultiplyAdd(xs, pdf[..n], cdf[..n], cdf[..n]);
                Span<float> dxs = dx.AsSpan(i, n);
                TensorPrimitives.MultiplyAdd(g.AsSpan(i, n), cdf[..n], dxs, dxs);
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

    /// <summary>Splits [0, length) into thread chunks of whole <see cref="NormalCdf.Block"/>s.</summary>
    private static void ForBlocks(int length, Action<int, int> body)
    {
        int blocks = (length + NormalCdf.Block - 1) / NormalCdf.Block;
        ParallelRows.For(blocks, 16L * NormalCdf.Block, (s, e) => body(s * NormalCdf.Block, Math.Min(length, e * NormalCdf.Block)));
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
