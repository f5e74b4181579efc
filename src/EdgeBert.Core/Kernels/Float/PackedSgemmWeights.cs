namespace EdgeBert.Kernels.Float;

/// <summary>
/// A linear layer's FP32 weight [N, K] packed once, at load time, into the panel layout of one
/// SGEMM implementation (see <see cref="SgemmKernel.Pack"/>). Immutable and shareable across threads.
/// </summary>
/// <remarks>
/// Layout for the blocked kernels (Wᵀ is the GEMM's B operand): N cut into slivers of
/// <c>Nr</c> columns (the last one zero-padded), each sliver K rows of Nr floats, slivers one
/// after another (sliver-major), so one sliver's K slabs of <c>KC</c> rows are contiguous:
/// <code>
/// sliver 0 (W rows 0..Nr-1)                sliver 1 (W rows Nr..2Nr-1)   ...
/// ┌ k0: W[0..Nr-1, k0] ┐ slab 0 (KC rows)   ┌ ...
/// │ k1: W[0..Nr-1, k1] │                    each slab is exactly what the micro-kernel
/// │ ...  k KC..2KC-1   ┘ slab 1 ...         streams for one K slab.
/// </code>
/// The scalar implementation keeps the canonical row-major [N, K] copy (<c>Nr = 0</c>).
/// </remarks>
public sealed class PackedSgemmWeights
{
    internal PackedSgemmWeights(KernelIsa isa, int n, int k, int nr, int kc, float[] data, int offset = 0)
    {
        Offset = offset;
        Isa = isa;
        N = n;
        K = k;
        Nr = nr;
        Kc = kc;
        Data = data;
    }

    /// <summary>The implementation whose layout this is.</summary>
    public KernelIsa Isa { get; }

    /// <summary>Output features (rows of W).</summary>
    public int N { get; }

    /// <summary>Input features (columns of W, the reduction length).</summary>
    public int K { get; }

    /// <summary>Sliver width in columns (0 for the canonical row-major layout).</summary>
    internal int Nr { get; }

    /// <summary>Rows of K per slab.</summary>
    internal int Kc { get; }

    /// <summary>Index of the first packed value in <see cref="Data"/> (64-byte aligned, the array is pinned).</summary>
    internal int Offset { get; }

    /// <summary>The packed values.</summary>
    internal float[] Data { get; }

    /// <summary>Bytes held by the packed weights.</summary>
    public long SizeInBytes => (long)Data.Length * sizeof(float);
}
