namespace EdgeBert.Kernels.Float;

/// <summary>Argument checks for <see cref="SgemmKernel.Gemm"/>, kept out of the hot path.</summary>
internal static class SgemmArguments
{
    /// <summary>Throws a clear exception naming the offending argument and shape.</summary>
    public static void Validate(bool transA, bool transB, int m, int n, int k,
        int aLength, int lda, int bLength, int ldb, int cLength, int ldc, int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        // Stored shapes: A is [m, k] or, transposed, [k, m]; B is [k, n] or [n, k].
        CheckMatrix("a", "lda", transA ? k : m, transA ? m : k, aLength, lda);
        CheckMatrix("b", "ldb", transB ? n : k, transB ? k : n, bLength, ldb);
        CheckMatrix("c", "ldc", m, n, cLength, ldc);
    }

    private static void CheckMatrix(string name, string strideName, int rows, int cols, int length, int stride)
    {
        if (stride < Math.Max(1, cols))
        {
            throw new ArgumentOutOfRangeException(strideName, stride,
                $"Row stride of {name} must be at least its column count {cols} (stored shape [{rows}, {cols}]).");
        }
        if (rows == 0 || cols == 0) return;
        long needed = (long)(rows - 1) * stride + cols;
        if (length < needed)
        {
            throw new ArgumentException(
                $"{name} has {length} values but its stored shape [{rows}, {cols}] with stride {stride} needs {needed}.", name);
        }
    }
}
