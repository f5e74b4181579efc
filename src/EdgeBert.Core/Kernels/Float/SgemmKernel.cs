using CommunityToolkit.HighPerformance;
using System.Numerics.Tensors;

namespace EdgeBert.Kernels.Float;

/// <summary>
/// One implementation (instruction set) of the FP32 GEMM. Obtain one from
/// <see cref="Sgemm.Active"/> or <see cref="Sgemm.Create"/>. Instances are immutable and
/// thread-safe; each call takes its own thread count.
/// </summary>
public abstract class SgemmKernel
{
    private protected SgemmKernel() { }

    /// <summary>The instruction set this implementation uses.</summary>
    public abstract KernelIsa Isa { get; }

    /// <summary>
    /// BLAS-style general matrix product on row-major matrices:
    /// <c>C = alpha · op(A) · op(B) + beta · C</c>, with op(A) [m, k], op(B) [k, n] and C [m, n].
    /// </summary>
    /// <param name="transA">Use Aᵀ: A is stored [k, m] instead of [m, k].</param>
    /// <param name="transB">Use Bᵀ: B is stored [n, k] instead of [k, n] (a linear layer's weight).</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">The reduction length.</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">A, row-major with row stride <paramref name="lda"/>.</param>
    /// <param name="lda">Row stride of A in elements (at least its column count).</param>
    /// <param name="b">B, row-major with row stride <paramref name="ldb"/>.</param>
    /// <param name="ldb">Row stride of B in elements.</param>
    /// <param name="beta">Scale of the old C. As in BLAS, 0 means C is overwritten (NaNs in it are ignored).</param>
    /// <param name="c">C, row-major with row stride <paramref name="ldc"/>.</param>
    /// <param name="ldc">Row stride of C in elements (at least n).</param>
    /// <param name="threads">Threads to use; 1 runs on the caller.</param>
    public void Gemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc, int threads)
    {
        SgemmArguments.Validate(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc, threads);
        if (m == 0 || n == 0) return;
        if (beta != 1f)
        {
            for (int i = 0; i < m; i++)
            {
                Span<float> row = c.Slice(i * ldc, n);
                if (beta == 0f) row.Clear();
                else TensorPrimitives.Multiply(row, beta, row);
            }
        }
        if (k == 0 || alpha == 0f) return;
        Accumulate(transA, transB, m, n, k, alpha, a, lda, b, ldb, c, ldc, threads);
    }

    /// <summary>
    /// Packs a linear layer's weight [n, k] (canonical row-major <c>f32</c>, y = x·Wᵀ) once into
    /// this implementation's panel layout.
    /// </summary>
    public PackedSgemmWeights Pack(ReadOnlySpan<float> weights, int n, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        if ((long)n * k != weights.Length)
        {
            throw new ArgumentException(
                $"Weight has {weights.Length} values but shape [{n}, {k}] needs {(long)n * k}.", nameof(weights));
        }
        return PackCore(weights, n, k);
    }

    /// <summary>
    /// Inference linear layer: <c>y[m, N] = x[m, K] · Wᵀ + bias</c> with weights packed by
    /// <see cref="Pack"/> of the same implementation. Rows of x and y are contiguous.
    /// </summary>
    /// <param name="weights">Weights packed by this implementation.</param>
    /// <param name="x">Activations [m, K], row-major.</param>
    /// <param name="m">Number of rows (tokens).</param>
    /// <param name="bias">N values, or empty for no bias.</param>
    /// <param name="y">Output [m, N], row-major; overwritten.</param>
    /// <param name="threads">Threads to use; 1 runs on the caller.</param>
    public void Linear(PackedSgemmWeights weights, ReadOnlySpan<float> x, int m,
        ReadOnlySpan<float> bias, Span<float> y, int threads)
    {
        ArgumentNullException.ThrowIfNull(weights);
        Linear(weights, x, m, weights.K, bias, y, weights.N, threads);
    }

    /// <summary>
    /// As <see cref="Linear(PackedSgemmWeights, ReadOnlySpan{float}, int, ReadOnlySpan{float}, Span{float}, int)"/>
    /// on 2-D views (any row pitch): x is [m, K], y is [m, N].
    /// </summary>
    public void Linear(PackedSgemmWeights weights, ReadOnlySpan2D<float> x, ReadOnlySpan<float> bias, Span2D<float> y, int threads)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (x.Width != weights.K || y.Width != weights.N || x.Height != y.Height)
        {
            throw new ArgumentException(
                $"Shapes do not match: x is [{x.Height}, {x.Width}], y is [{y.Height}, {y.Width}], weights are [{weights.N}, {weights.K}].", nameof(x));
        }
        Linear(weights, Span2DViews.Rows(x), x.Height, (int)Span2DViews.Stride(x), bias, Span2DViews.Rows(y), (int)Span2DViews.Stride(y), threads);
    }

    private void Linear(PackedSgemmWeights weights, ReadOnlySpan<float> x, int m, int ldx,
        ReadOnlySpan<float> bias, Span<float> y, int ldy, int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (weights.Isa != Isa)
        {
            throw new ArgumentException(
                $"Weights were packed for {weights.Isa} but this SGEMM is {Isa}; pack them with the same kernel.", nameof(weights));
        }
        int n = weights.N, k = weights.K;
        if (m > 0 && (long)(m - 1) * ldx + k > x.Length)
            throw new ArgumentException($"x has {x.Length} values, [{m}, {k}] with stride {ldx} needs {(long)(m - 1) * ldx + k}.", nameof(x));
        if (m > 0 && (long)(m - 1) * ldy + n > y.Length)
            throw new ArgumentException($"y has {y.Length} values, [{m}, {n}] with stride {ldy} needs {(long)(m - 1) * ldy + n}.", nameof(y));
        if (!bias.IsEmpty && bias.Length != n)
            throw new ArgumentException($"bias has {bias.Length} values, expected {n} (or none).", nameof(bias));
        if (m == 0) return;
        LinearCore(weights, x, m, ldx, bias, y, ldy, threads);
    }

    /// <summary>C += alpha·op(A)·op(B); arguments already validated, m, n, k &gt; 0.</summary>
    private protected abstract void Accumulate(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, int threads);

    /// <summary>Packs validated weights.</summary>
    private protected abstract PackedSgemmWeights PackCore(ReadOnlySpan<float> weights, int n, int k);

    /// <summary>y = bias + x·Wᵀ (bias added first, then the products) on validated arguments, m &gt; 0; empty bias is zero.</summary>
    private protected abstract void LinearCore(PackedSgemmWeights weights, ReadOnlySpan<float> x, int m, int ldx,
        ReadOnlySpan<float> bias, Span<float> y, int ldy, int threads);

    /// <inheritdoc/>
    public override string ToString() => $"Sgemm.{Isa}";
}
