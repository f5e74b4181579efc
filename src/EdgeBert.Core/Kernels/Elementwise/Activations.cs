using System.Numerics.Tensors;

namespace EdgeBert.Kernels.Elementwise;

/// <summary>ReLU and tanh (the pooler's activation), elementwise; output may alias input.</summary>
public static class Activations
{
    /// <summary>y = max(x, 0).</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void Relu(ReadOnlySpan<float> x, Span<float> y)
    {
        RowChecks.SameLength(x.Length, y.Length, nameof(x), nameof(y));
        TensorPrimitives.Max(x, 0f, y);
    }

    /// <summary>y = tanh(x).</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void Tanh(ReadOnlySpan<float> x, Span<float> y)
    {
        RowChecks.SameLength(x.Length, y.Length, nameof(x), nameof(y));
        TensorPrimitives.Tanh(x, y);
    }
}
