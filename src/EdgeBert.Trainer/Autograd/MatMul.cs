
namespace EdgeBert.Trainer.Autograd;

/// <summary>
/// The trainer's single FP32 matrix-product entry point: it checks the arguments (with the
/// trainer's messages) and calls the Core SGEMM (<c>EdgeBert.Kernels.Float.Sgemm.Gemm</c>, the active
/// instruction-set family), which gives the same bits for every thread count.
/// </summary>
internal static class MatMul
{
    /// <summary>
    /// Row-major C = alpha·op(A)·op(B) + beta·C with op(A) [m, k] and op(B) [k, n]. A is stored
    /// [m, k] (or [k, m] when <paramref name="transA"/>), B [k, n] (or [n, k] when
    /// <paramref name="transB"/>). As in BLAS, beta = 0 overwrites C without reading it.
    /// </summary>
    /// <exception cref="ArgumentException">A size, leading dimension or buffer length is inconsistent.</exception>
    public static void Gemm(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc, int threads)
    {
        Validate(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc, threads);
        EdgeBert.Kernels.Float.Sgemm.Gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads);
    }

    private static void Validate(bool transA, bool transB, int m, int n, int k, int aLength, int lda,
        int bLength, int ldb, int cLength, int ldc, int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        Check("A", aRows, aCols, aLength, lda);
        Check("B", bRows, bCols, bLength, ldb);
        Check("C", m, n, cLength, ldc);

        static void Check(string name, int rows, int cols, int length, int ld)
        {
            if (ld < Math.Max(1, cols))
            {
                throw new ArgumentException($"Gemm: leading dimension of {name} is {ld} but {name} has {cols} columns.");
            }

            long needed = rows == 0 || cols == 0 ? 0 : (long)(rows - 1) * ld + cols;
            if (length < needed)
            {
                throw new ArgumentException(
                    $"Gemm: {name} is [{rows}, {cols}] with leading dimension {ld} and needs {needed} values, but the buffer has {length}.");
            }
        }
    }
}
