using CommunityToolkit.HighPerformance;
using CommunityToolkit.HighPerformance.Buffers;
using EdgeBert.Kernels.Float;

namespace EdgeBert.Kernels.Integer;

/// <summary>
/// One implementation (instruction set) of an integer GEMM over packed weights:
/// <c>y[m, n] = (Σ_k x[m, k] · w[n, k]) · wScale[n] · xScale[m] + bias[n]</c>, with int8
/// activations quantized per token (see <see cref="Int8Quantization"/>). Obtain one from
/// <see cref="Int8Gemm"/> (W8A8) or <see cref="TernaryGemm"/> (W2A8 and W1A8). Immutable and
/// thread-safe; each call takes its own thread count.
/// </summary>
/// <typeparam name="TWeights">The packed weight type the implementation reads.</typeparam>
public abstract class IntegerGemmKernel<TWeights> where TWeights : PackedIntegerWeights
{
    private protected IntegerGemmKernel() { }

    /// <summary>The instruction set this implementation uses.</summary>
    public abstract KernelIsa Isa { get; }

    /// <summary>Whether the multiply runs through AVX-VNNI <c>VPDPBUSD</c>.</summary>
    public abstract bool UsesVnni { get; }

    /// <summary>
    /// Float epilogue: <c>y = acc · wScale[n] · xScale[m] + bias[n]</c> (computed as
    /// <c>(float)acc * (wScale * xScale) + bias</c>, bit-identical on every ISA).
    /// </summary>
    /// <param name="weights">Packed weights [N, K].</param>
    /// <param name="x">int8 activations [m, K] with row stride <paramref name="ldx"/>.</param>
    /// <param name="m">Tokens.</param>
    /// <param name="ldx">Row stride of x (at least K).</param>
    /// <param name="xScales">One scale per token (m values).</param>
    /// <param name="bias">N values, or empty.</param>
    /// <param name="y">Output [m, N] with row stride <paramref name="ldy"/>; overwritten.</param>
    /// <param name="ldy">Row stride of y (at least N).</param>
    /// <param name="threads">Threads to use; 1 runs on the caller.</param>
    public void Multiply(TWeights weights, ReadOnlySpan<sbyte> x, int m, int ldx, ReadOnlySpan<float> xScales,
        ReadOnlySpan<float> bias, Span<float> y, int ldy, int threads) =>
        Multiply(weights, x, m, ldx, xScales, default, bias, y, ldy, threads);

    /// <summary>
    /// Float epilogue for asymmetric activations (<see cref="Int8Quantization.QuantizeAsymmetric"/>,
    /// x ≈ xScale · (q − zeroPoint)): <c>y = (Σ w·q − zeroPoint[m] · Σ_k w[n, k]) · wScale[n] · xScale[m] + bias[n]</c>,
    /// the zero-point term taken from the per-output weight sums computed at pack time (in int64,
    /// then one conversion to float). An empty <paramref name="xZeroPoints"/> means symmetric.
    /// </summary>
    public void Multiply(TWeights weights, ReadOnlySpan<sbyte> x, int m, int ldx, ReadOnlySpan<float> xScales,
        ReadOnlySpan<int> xZeroPoints, ReadOnlySpan<float> bias, Span<float> y, int ldy, int threads)
    {
        Validate(weights, x, m, ldx, threads);
        CheckOutput(xScales, 1, "xScales", m, m);
        if (!xZeroPoints.IsEmpty) CheckOutput(xZeroPoints, 1, nameof(xZeroPoints), m, m);
        if (!bias.IsEmpty && bias.Length != weights.N)
            throw new ArgumentException($"bias has {bias.Length} values, expected {weights.N} (or none).", nameof(bias));
        CheckOutput(y, m, nameof(y), ldy, weights.N);
        if (m == 0) return;
        Run(weights, x, m, ldx, xScales, xZeroPoints, bias, y, ldy, default, threads);
    }

    /// <summary>
    /// As <see cref="Multiply(TWeights, ReadOnlySpan{sbyte}, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int)"/>
    /// on 2-D views (any row pitch): x is [m, K], y is [m, N].
    /// </summary>
    public void Multiply(TWeights weights, ReadOnlySpan2D<sbyte> x, ReadOnlySpan<float> xScales,
        ReadOnlySpan<float> bias, Span2D<float> y, int threads)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (x.Width != weights.K || y.Width != weights.N || x.Height != y.Height)
        {
            throw new ArgumentException(
                $"Shapes do not match: x is [{x.Height}, {x.Width}], y is [{y.Height}, {y.Width}], weights are [{weights.N}, {weights.K}].", nameof(x));
        }
        Multiply(weights, Span2DViews.Rows(x), x.Height, (int)Span2DViews.Stride(x), xScales, bias,
            Span2DViews.Rows(y), (int)Span2DViews.Stride(y), threads);
    }

    /// <summary>
    /// int8 epilogue for the next quantized layer: the float result of
    /// <see cref="Multiply(TWeights, ReadOnlySpan{sbyte}, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int)"/> re-quantized per token (symmetric absmax, like
    /// <see cref="Int8Quantization.QuantizeSymmetric"/>) into <paramref name="yq"/> and
    /// <paramref name="yScales"/>.
    /// </summary>
    public void MultiplyRequantize(TWeights weights, ReadOnlySpan<sbyte> x, int m, int ldx, ReadOnlySpan<float> xScales,
        ReadOnlySpan<float> bias, Span<sbyte> yq, int ldyq, Span<float> yScales, int threads)
    {
        Validate(weights, x, m, ldx, threads);
        CheckOutput(yq, m, nameof(yq), ldyq, weights.N);
        CheckOutput(yScales, 1, nameof(yScales), m, m);
        int n = weights.N;
        using MemoryOwner<float> y = MemoryOwner<float>.Allocate(m * n);
        Multiply(weights, x, m, ldx, xScales, bias, y.Span, n, threads);
        Int8Quantization.QuantizeSymmetric(y.Span, m, n, n, yq, ldyq, yScales);
    }

    /// <summary>The exact int32 dot products Σ_k x[m, k]·w[n, k] into acc [m, N] (tests, diagnostics).</summary>
    internal void MultiplyInt32(TWeights weights, ReadOnlySpan<sbyte> x, int m, int ldx, Span<int> acc, int threads)
    {
        Validate(weights, x, m, ldx, threads);
        CheckOutput(acc, m, nameof(acc), weights.N, weights.N);
        if (m == 0) return;
        Run(weights, x, m, ldx, default, default, default, default, weights.N, acc, threads);
    }

    private protected abstract void Run(TWeights weights, ReadOnlySpan<sbyte> x, int m, int ldx,
        ReadOnlySpan<float> xScales, ReadOnlySpan<int> xZeroPoints, ReadOnlySpan<float> bias, Span<float> y, int ldy, Span<int> acc, int threads);

    private static void Validate(TWeights weights, ReadOnlySpan<sbyte> x, int m, int ldx, int threads)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (ldx < weights.K)
            throw new ArgumentOutOfRangeException(nameof(ldx), ldx, $"Row stride of x must be at least K = {weights.K}.");
        if (m > 0 && x.Length < (long)(m - 1) * ldx + weights.K)
        {
            throw new ArgumentException(
                $"x has {x.Length} values but [{m}, {weights.K}] with stride {ldx} needs {(long)(m - 1) * ldx + weights.K}.", nameof(x));
        }
    }

    private static void CheckOutput<T>(ReadOnlySpan<T> span, int m, string name, int stride, int cols)
    {
        if (stride < cols)
            throw new ArgumentOutOfRangeException(name, stride, $"Row stride of {name} must be at least {cols}.");
        if (m > 0 && span.Length < (long)(m - 1) * stride + cols)
        {
            throw new ArgumentException(
                $"{name} has {span.Length} values but [{m}, {cols}] with stride {stride} needs {(long)(m - 1) * stride + cols}.", name);
        }
    }

    private static void CheckOutput<T>(Span<T> span, int m, string name, int stride, int cols) =>
        CheckOutput((ReadOnlySpan<T>)span, m, name, stride, cols);

    /// <inheritdoc/>
    public override string ToString() => $"{GetType().Name}.{Isa}{(UsesVnni ? "+VNNI" : "")}";
}
