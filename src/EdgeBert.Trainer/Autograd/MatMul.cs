using System.Buffers;
using System.Numerics.Tensors;

namespace EdgeBert.Trainer.Autograd;

/// <summary>
/// The trainer's single FP32 matrix-product entry point. Its signature is exactly the planned
/// Core kernel's (<c>EdgeBert.Kernels.Sgemm.Gemm</c>), so switching to it is a one-line change in
/// <see cref="Gemm"/>; until then this is a plain row-parallel loop on TensorPrimitives.
/// </summary>
internal static class MatMul
{
    /// <summary>Below this many multiply-adds a product stays on the calling thread.</summary>
    private const long MinParallelWork = 64 * 1024;

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
        if (m == 0 || n == 0) return;

        long work = (long)m * n * Math.Max(k, 1);
        int chunks = (int)Math.Min(Math.Min(threads, m), Math.Max(1, work / MinParallelWork));
        if (chunks <= 1)
        {
            Rows(transA, transB, n, k, alpha, a, lda, b, ldb, beta, c, ldc, 0, m);
            return;
        }

        // Safe code cannot hand a span to other threads, so a parallel product works on pooled
        // copies; the copies are O(mk + kn + mn) against O(mnk) arithmetic.
        int aLen = transA ? (k - 1) * lda + m : (m - 1) * lda + k;
        int bLen = transB ? (n - 1) * ldb + k : (k - 1) * ldb + n;
        int cLen = (m - 1) * ldc + n;
        float[] aCopy = ArrayPool<float>.Shared.Rent(Math.Max(aLen, 1));
        float[] bCopy = ArrayPool<float>.Shared.Rent(Math.Max(bLen, 1));
        float[] cCopy = ArrayPool<float>.Shared.Rent(cLen);
        try
        {
            if (k > 0)
            {
                a[..aLen].CopyTo(aCopy);
                b[..bLen].CopyTo(bCopy);
            }

            c[..cLen].CopyTo(cCopy);
            int perChunk = (m + chunks - 1) / chunks;
            Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, chunk =>
            {
                int start = chunk * perChunk;
                int end = Math.Min(m, start + perChunk);
                if (start < end) Rows(transA, transB, n, k, alpha, aCopy, lda, bCopy, ldb, beta, cCopy, ldc, start, end);
            });
            cCopy.AsSpan(0, cLen).CopyTo(c);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(aCopy);
            ArrayPool<float>.Shared.Return(bCopy);
            ArrayPool<float>.Shared.Return(cCopy);
        }
    }

    /// <summary>Rows of B kept hot in cache while every row of this chunk of C uses them (about 200 KB).</summary>
    private const int CacheBytes = 192 * 1024;

    /// <summary>
    /// Computes rows [rowStart, rowEnd) of C. B is walked in blocks that fit in cache, and each
    /// block serves all rows of the chunk before the next is loaded; every element of C is still
    /// summed in one fixed order (p = 0 … k−1), so blocking and threading never change the bits.
    /// </summary>
    private static void Rows(bool transA, bool transB, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc,
        int rowStart, int rowEnd)
    {
        for (int i = rowStart; i < rowEnd; i++)
        {
            Span<float> cRow = c.Slice(i * ldc, n);
            if (beta == 0f) cRow.Clear();
            else if (beta != 1f) TensorPrimitives.Multiply(cRow, beta, cRow);
        }

        if (k == 0 || alpha == 0f) return;
        if (transB)
        {
            // c[i, j] += alpha · dot(op(A)[i, :], B[j, :]); B's rows are contiguous.
            int block = Math.Max(1, CacheBytes / (sizeof(float) * k));
            float[]? gathered = transA ? ArrayPool<float>.Shared.Rent(k) : null;
            try
            {
                for (int j0 = 0; j0 < n; j0 += block)
                {
                    int j1 = Math.Min(n, j0 + block);
                    for (int i = rowStart; i < rowEnd; i++)
                    {
                        ReadOnlySpan<float> aRow = transA ? Gather(a, lda, i, gathered.AsSpan(0, k)) : a.Slice(i * lda, k);
                        Span<float> cRow = c.Slice(i * ldc, n);
                        for (int j = j0; j < j1; j++) cRow[j] += alpha * TensorPrimitives.Dot(aRow, b.Slice(j * ldb, k));
                    }
                }
            }
            finally
            {
                if (gathered is not null) ArrayPool<float>.Shared.Return(gathered);
            }

            return;
        }

        // c[i, :] += (alpha · op(A)[i, p]) · B[p, :], streaming a block of B's rows per pass.
        int rowsOfB = Math.Max(1, CacheBytes / (sizeof(float) * n));
        for (int p0 = 0; p0 < k; p0 += rowsOfB)
        {
            int p1 = Math.Min(k, p0 + rowsOfB);
            for (int i = rowStart; i < rowEnd; i++)
            {
                Span<float> cRow = c.Slice(i * ldc, n);
                for (int p = p0; p < p1; p++)
                {
                    float aip = transA ? a[p * lda + i] : a[i * lda + p];
                    // Zeros (dropout, padding, ternary weights) are skipped, as reference BLAS does.
                    if (aip != 0f) TensorPrimitives.MultiplyAdd(b.Slice(p * ldb, n), alpha * aip, cRow, cRow);
                }
            }
        }
    }

    /// <summary>Copies column <paramref name="i"/> of a row-major A (op(A)'s row i when A is stored transposed).</summary>
    private static ReadOnlySpan<float> Gather(ReadOnlySpan<float> a, int lda, int i, Span<float> into)
    {
        for (int p = 0; p < into.Length; p++) into[p] = a[p * lda + i];
        return into;
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
