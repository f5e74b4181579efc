using System.Numerics.Tensors;
using CommunityToolkit.HighPerformance.Buffers;
using CommunityToolkit.HighPerformance.Helpers;

namespace EdgeBert.Kernels.Float;

/// <summary>
/// The cache-blocked SGEMM driver shared by every SIMD micro-kernel (Goto/BLIS loop order):
/// N in blocks of <see cref="Nc"/>, K in slabs of <see cref="Kc"/> (B slab packed once per
/// slab, all of op(A)'s rows packed per slab), then work items of at most <c>Mc</c> rows × <c>Nb</c>
/// columns in which a B sliver (kc × Nr, L1-sized) meets every A sliver of the row block
/// (L2-resident). Edge tiles run into a zeroed scratch tile and add only the valid part.
/// This file is the general GEMM (trainer, attention); the inference linear layer on weights
/// packed at load is in SgemmBlocked.Linear.cs.
/// </summary>
internal sealed unsafe partial class SgemmBlocked<TMicro> : SgemmKernel where TMicro : struct, ISgemmMicroKernel
{

    internal const int Kc = 256;

    /// <summary>Columns of B packed per block (bounds the packed B buffer at 4 MB; BERT-base N ≤ 3072 is one block).</summary>
    private const int Nc = 4096;

    private static int Mc => TMicro.Mr * 8;

    private static int Nb => TMicro.Nr * 8;

    public override KernelIsa Isa => TMicro.Isa;

    private protected override void Accumulate(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, int threads)
    {
        int mr = TMicro.Mr, nr = TMicro.Nr;
        int mPad = RoundUp(m, mr);
        int ncMax = Math.Min(n, Nc);
        using SpanOwner<float> aPack = SpanOwner<float>.Allocate(mPad * Math.Min(k, Kc) + AlignFloats);
        using SpanOwner<float> bPack = SpanOwner<float>.Allocate(RoundUp(ncMax, nr) * Math.Min(k, Kc) + AlignFloats);
        fixed (float* pa = a, pb = b, pc = c, aRaw = aPack.Span, bRaw = bPack.Span)
        {
            float* aBuf = Align(aRaw), bBuf = Align(bRaw);
            for (int j0 = 0; j0 < n; j0 += Nc)
            {
                int nc = Math.Min(Nc, n - j0);
                for (int p0 = 0; p0 < k; p0 += Kc)
                {
                    int kc = Math.Min(Kc, k - p0);
                    PackB(transB, pb, ldb, p0, kc, j0, nc, bBuf);
                    PackA(transA, pa, lda, p0, kc, m, alpha, aBuf);
                    Compute(aBuf, bBuf, m, nc, kc, pc + j0, ldc, threads);
                }
            }
        }
    }

    /// <summary>
    /// Packs op(B)[p0..p0+kc, j0..j0+nc] into slivers of Nr columns, each kc rows of Nr
    /// values; columns past nc are zero so edge slivers need no special case.
    /// </summary>
    private static void PackB(bool transB, float* b, int ldb, int p0, int kc, int j0, int nc, float* dst)
    {
        int nr = TMicro.Nr;
        float** src = stackalloc float*[nr];
        for (int js = 0; js < nc; js += nr)
        {
            int cols = Math.Min(nr, nc - js);
            float* sliver = dst + (long)js * kc;
            if (!transB)
            {
                for (int p = 0; p < kc; p++)
                {
                    float* row = b + (long)(p0 + p) * ldb + j0 + js;
                    float* d = sliver + p * nr;
                    new ReadOnlySpan<float>(row, cols).CopyTo(new Span<float>(d, nr));
                    for (int jj = cols; jj < nr; jj++) d[jj] = 0f;
                }
            }
            else
            {
                // Stored [n, k]: the sliver is the transpose of Nr source rows' K runs.
                for (int jj = 0; jj < cols; jj++) src[jj] = b + (long)(j0 + js + jj) * ldb + p0;
                SgemmTranspose.Pack(src, cols, kc, sliver, nr);
                for (int p = 0; p < kc; p++)
                {
                    for (int jj = cols; jj < nr; jj++) sliver[p * nr + jj] = 0f;
                }
            }
        }
    }

    /// <summary>
    /// Packs alpha·op(A)[0..m, p0..p0+kc] into slivers of Mr rows, each kc steps of Mr values
    /// (rows past m are zero). Folding alpha in here costs nothing in the micro-kernel.
    /// </summary>
    private static void PackA(bool transA, float* a, int lda, int p0, int kc, int m, float alpha, float* dst)
    {
        int mr = TMicro.Mr;
        float** rowStarts = stackalloc float*[mr];
        for (int i0 = 0; i0 < m; i0 += mr)
        {
            int rows = Math.Min(mr, m - i0);
            float* sliver = dst + (long)i0 * kc;
            if (!transA)
            {
                // The sliver is the transpose of the rows' K runs: block transposes, alpha, then zero rows.
                for (int r = 0; r < rows; r++) rowStarts[r] = a + (long)(i0 + r) * lda + p0;
                SgemmTranspose.Pack(rowStarts, rows, kc, sliver, mr);
                if (alpha != 1f)
                {
                    var values = new Span<float>(sliver, kc * mr);
                    TensorPrimitives.Multiply(values, alpha, values);
                }
                for (int p = 0; p < kc; p++)
                {
                    for (int r = rows; r < mr; r++) sliver[p * mr + r] = 0f;
                }
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    float* src = a + (long)(p0 + p) * lda + i0;
                    float* d = sliver + p * mr;
                    int r = 0;
                    for (; r < rows; r++) d[r] = alpha * src[r];
                    for (; r < mr; r++) d[r] = 0f;
                }
            }
        }
    }

    private static void Compute(float* aPack, float* bPack, int m, int nc, int kc, float* c, int ldc, int threads)
    {
        // Block counts from the cache-sized maxima, then block sizes evened out over them, so that
        // 128 rows become 2 × 66 rather than 96 + 32 (threads finish together).
        int rowsPerBlock = Balanced(m, TMicro.Mr, Mc), colsPerBlock = Balanced(nc, TMicro.Nr, Nb);
        int mBlocks = (m + rowsPerBlock - 1) / rowsPerBlock;
        int nBlocks = (nc + colsPerBlock - 1) / colsPerBlock;
        var work = new TileWork
        {
            APack = aPack, BPack = bPack, C = c, M = m, N = nc, Kc = kc, Ldc = ldc, MBlocks = mBlocks,
            RowsPerBlock = rowsPerBlock, ColsPerBlock = colsPerBlock,
        };
        KernelParallel.For(mBlocks * nBlocks, threads, 1, in work);
    }

    /// <summary>Slack that lets a buffer start on a 64-byte boundary: unaligned zmm loads split cache lines.</summary>
    private const int AlignFloats = 16;

    private static float* Align(float* p) => (float*)(((nint)p + 63) & ~(nint)63);

    /// <summary>A block size (a multiple of <paramref name="unit"/>, at most <paramref name="max"/>) that splits <paramref name="total"/> evenly.</summary>
    private static int Balanced(int total, int unit, int max)
    {
        int units = (total + unit - 1) / unit, maxUnits = max / unit;
        int blocks = (units + maxUnits - 1) / maxUnits;
        return (units + blocks - 1) / blocks * unit;
    }

    /// <summary>
    /// C[rows, cols] += the micro-kernel's tile (the short kernel's when the rows fit it); a
    /// partial tile runs into the zeroed <paramref name="edge"/> scratch (Mr × Nr) and adds only its valid part.
    /// </summary>
    private static void RunTile(int kc, float* a, float* b, float* c, int ldc, int rows, int cols, float* edge)
    {
        int nr = TMicro.Nr;
        bool isShort = rows <= TMicro.ShortRows;
        int kernelRows = isShort ? TMicro.ShortRows : TMicro.Mr;
        if (rows == kernelRows && cols == nr)
        {
            if (isShort) TMicro.RunShort(kc, a, b, c, ldc);
            else TMicro.Run(kc, a, b, c, ldc);
            return;
        }
        new Span<float>(edge, kernelRows * nr).Clear();
        if (isShort) TMicro.RunShort(kc, a, b, edge, nr);
        else TMicro.Run(kc, a, b, edge, nr);
        for (int r = 0; r < rows; r++)
        {
            for (int jj = 0; jj < cols; jj++) c[(long)r * ldc + jj] += edge[r * nr + jj];
        }
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>One block of C (balanced, at most Mc × Nb): every (B sliver, A sliver) pair in it.</summary>
    private struct TileWork : IAction
    {
        public float* APack;
        public float* BPack;
        public float* C;
        public int M, N, Kc, Ldc, MBlocks, RowsPerBlock, ColsPerBlock;

        public readonly void Invoke(int index)
        {
            int mr = TMicro.Mr, nr = TMicro.Nr;
            int iBegin = index % MBlocks * RowsPerBlock, iEnd = Math.Min(M, iBegin + RowsPerBlock);
            int jBegin = index / MBlocks * ColsPerBlock, jEnd = Math.Min(N, jBegin + ColsPerBlock);
            float* edge = stackalloc float[mr * nr];
            for (int j = jBegin; j < jEnd; j += nr)
            {
                float* b = BPack + (long)j * Kc;
                int cols = Math.Min(nr, jEnd - j);
                for (int i = iBegin; i < iEnd; i += mr)
                {
                    float* a = APack + (long)i * Kc;
                    int rows = Math.Min(mr, iEnd - i);
                    RunTile(Kc, a, b, C + (long)i * Ldc + j, Ldc, rows, cols, edge);
                }
            }
        }
    }
}
