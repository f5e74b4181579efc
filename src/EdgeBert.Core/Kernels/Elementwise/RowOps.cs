using System.Numerics.Tensors;

namespace EdgeBert.Kernels.Elementwise;

/// <summary>Bias and residual additions on row-major [rows, cols] activations, in place.</summary>
public static class RowOps
{
    /// <summary>x[r, :] += bias for every row.</summary>
    /// <exception cref="ArgumentException">x is not a whole number of bias-length rows.</exception>
    public static void AddBias(Span<float> x, ReadOnlySpan<float> bias)
    {
        int cols = CheckRows(x.Length, bias.Length, nameof(bias));
        for (int start = 0; start < x.Length; start += cols)
        {
            Span<float> row = x.Slice(start, cols);
            TensorPrimitives.Add(row, bias, row);
        }
    }

    /// <summary>x += residual, elementwise.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void AddResidual(Span<float> x, ReadOnlySpan<float> residual)
    {
        RowChecks.SameLength(x.Length, residual.Length, nameof(x), nameof(residual));
        TensorPrimitives.Add(x, residual, x);
    }

    /// <summary>x[r, :] += bias + residual[r, :] (the output projection's epilogue before LayerNorm).</summary>
    /// <exception cref="ArgumentException">Lengths do not match.</exception>
    public static void AddBiasResidual(Span<float> x, ReadOnlySpan<float> bias, ReadOnlySpan<float> residual)
    {
        RowChecks.SameLength(x.Length, residual.Length, nameof(x), nameof(residual));
        int cols = CheckRows(x.Length, bias.Length, nameof(bias));
        for (int start = 0; start < x.Length; start += cols)
        {
            Span<float> row = x.Slice(start, cols);
            TensorPrimitives.Add(row, residual.Slice(start, cols), row);
            TensorPrimitives.Add(row, bias, row);
        }
    }

    private static int CheckRows(int length, int cols, string name)
    {
        if (cols == 0 || length % cols != 0)
            throw new ArgumentException($"{length} values are not whole rows of {name}'s length {cols}.", name);
        return cols;
    }
}
