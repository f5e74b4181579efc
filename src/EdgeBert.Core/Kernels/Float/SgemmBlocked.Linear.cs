using CommunityToolkit.HighPerformance.Buffers;
using System.Runtime.Intrinsics.X86;
using CommunityToolkit.HighPerformance.Helpers;

namespace EdgeBert.Kernels.Float;

/// <summary>
/// The inference path of the blocked SGEMM: y = bias + x·Wᵀ on weights packed once at load.
/// </summary>
/// <remarks>
/// Weights are packed sliver-major: sliver s holds W's columns <c>s·Nr .. s·Nr + Nr − 1</c> as K
/// rows of Nr floats, so a sliver's K slabs lie one after another and a thread streams its part of
/// the weights exactly once, front to back. x is packed once per call for all of K (Mr-row slivers
/// per K slab). The N slivers are cut into one equal range per thread (one work item each, no
/// fork-join per slab); within a range, for each sliver, every slab of a group of slabs meets
/// every row tile, so the B slab (Kc × Nr, 32 KB for AVX-512) is loaded into L1 once and reused
/// by all row tiles while the packed x of the group stays in L2 (at most
/// <see cref="ActivationBudgetFloats"/>). The bias is written into the C tile just before its
/// first slab, so each output is bias + slab 0 + slab 1 + … whatever the thread count. Weights
/// are read from DRAM once per call, and the first row tile of a slab would wait for them: while
/// one slab is in use, each row tile prefetches a part of the next into L2.
/// </remarks>
internal sealed unsafe partial class SgemmBlocked<TMicro>
{
    /// <summary>Packed activations kept L2-resident while a weight sliver streams (512 KB, a quarter of a 2 MB L2).</summary>
    private const int ActivationBudgetFloats = 128 * 1024;

    private protected override PackedSgemmWeights PackCore(ReadOnlySpan<float> weights, int n, int k)
    {
        int nr = TMicro.Nr, nPad = RoundUp(n, nr);
        // Pinned so the 64-byte alignment of the packed panels, chosen here, holds for their lifetime.
        var data = GC.AllocateUninitializedArray<float>(nPad * k + AlignFloats, pinned: true);
        int offset;
        fixed (float* pw = weights, pRaw = data)
        {
            float* pd = Align(pRaw);
            offset = (int)(pd - pRaw);
            // Wᵀ is the B operand: B[p, j] = W[j, p], i.e. the transposed case with ldb = k.
            for (int j0 = 0; j0 < n; j0 += nr)
            {
                for (int p0 = 0; p0 < k; p0 += Kc)
                {
                    PackB(transB: true, pw, k, p0, Math.Min(Kc, k - p0), j0, Math.Min(nr, n - j0), pd + (long)j0 * k + (long)p0 * nr);
                }
            }
        }
        return new PackedSgemmWeights(TMicro.Isa, n, k, nr, Kc, data, offset);
    }

    private protected override void LinearCore(PackedSgemmWeights weights, ReadOnlySpan<float> x, int m, int ldx,
        ReadOnlySpan<float> bias, Span<float> y, int ldy, int threads)
    {
        int n = weights.N, k = weights.K, mr = TMicro.Mr, nr = TMicro.Nr;
        int mPad = RoundUp(m, mr);
        using SpanOwner<float> aPack = SpanOwner<float>.Allocate(mPad * k + AlignFloats);
        fixed (float* px = x, py = y, pb = bias, pWeights = weights.Data, aRaw = aPack.Span)
        {
            float* aBuf = Align(aRaw);
            // Packing x is a copy, so splitting it over the threads (K slabs × groups of row slivers) changes nothing but time.
            int rowGroups = (m + PackRows - 1) / PackRows;
            var pack = new PackWork { X = px, Ldx = ldx, M = m, MPad = mPad, K = k, RowGroups = rowGroups, A = aBuf };
            KernelParallel.For((k + Kc - 1) / Kc * rowGroups, threads, 1, in pack);
            int rowsPerBlock = Balanced(m, mr, Math.Max(mr, ActivationBudgetFloats / Kc / mr * mr));
            int slivers = (n + nr - 1) / nr, parts = Math.Min(threads, slivers);
            var work = new LinearWork
            {
                A = aBuf, W = pWeights + weights.Offset, Bias = bias.IsEmpty ? null : pb, Y = py,
                M = m, MPad = mPad, N = n, K = k, Ldy = ldy, Slivers = slivers, Parts = parts, RowsPerBlock = rowsPerBlock,
                SlabsPerGroup = Math.Max(1, ActivationBudgetFloats / (RoundUp(rowsPerBlock, mr) * Kc)),
            };
            KernelParallel.For(parts, parts, 1, in work);
        }
    }

    /// <summary>Rows of x packed per work item: four row slivers.</summary>
    private static int PackRows => 4 * TMicro.Mr;

    /// <summary>Packs one K slab of one group of <see cref="PackRows"/> rows of x.</summary>
    private struct PackWork : IAction
    {
        public float* X, A;
        public int Ldx, M, MPad, K, RowGroups;

        public readonly void Invoke(int index)
        {
            int p0 = index / RowGroups * Kc, r0 = index % RowGroups * PackRows;
            int kc = Math.Min(Kc, K - p0), rows = Math.Min(PackRows, M - r0);
            PackA(transA: false, X + (long)r0 * Ldx, Ldx, p0, kc, rows, 1f, A + (long)MPad * p0 + (long)r0 * kc);
        }
    }

    /// <summary>One thread's equal share of the weight slivers, over every row.</summary>
    private struct LinearWork : IAction
    {
        public float* A;
        public float* W;
        public float* Bias;
        public float* Y;
        public int M, MPad, N, K, Ldy, Slivers, Parts, RowsPerBlock, SlabsPerGroup;

        public readonly void Invoke(int part)
        {
            int mr = TMicro.Mr, nr = TMicro.Nr;
            int sBegin = (int)((long)part * Slivers / Parts), sEnd = (int)((long)(part + 1) * Slivers / Parts);
            int slabs = (K + Kc - 1) / Kc;
            float* edge = stackalloc float[mr * nr];
            for (int i0 = 0; i0 < M; i0 += RowsPerBlock)
            {
                int iEnd = Math.Min(M, i0 + RowsPerBlock);
                for (int g0 = 0; g0 < slabs; g0 += SlabsPerGroup)
                {
                    int gEnd = Math.Min(slabs, g0 + SlabsPerGroup);
                    for (int s = sBegin; s < sEnd; s++)
                    {
                        int j = s * nr, cols = Math.Min(nr, N - j);
                        float* sliver = W + (long)j * K;
                        if (g0 == 0) InitializeTiles(i0, iEnd, j, cols);
                        for (int slab = g0; slab < gEnd; slab++)
                        {
                            int p0 = slab * Kc, kc = Math.Min(Kc, K - p0);
                            float* b = sliver + (long)p0 * nr, aSlab = A + (long)MPad * p0;
                            // The weights come from DRAM once: fetch the next slab into L2 a part per row tile.
                            float* next = slab + 1 < gEnd ? b + (long)kc * nr : W + (long)(j + nr) * K + (long)g0 * Kc * nr;
                            for (int i = i0, tile = 0; i < iEnd; i += mr, tile++)
                            {
                                PrefetchPart(next, tile, (iEnd - i0 + mr - 1) / mr);
                                RunTile(kc, aSlab + (long)i * kc, b, Y + (long)i * Ldy + j, Ldy, Math.Min(mr, iEnd - i), cols, edge);
                            }
                        }
                    }
                }
            }
        }

        /// <summary>
        /// Part <paramref name="part"/> of <paramref name="parts"/> of a full weight slab (Kc × Nr floats)
        /// at <paramref name="next"/>, prefetched into L2 (a prefetch never faults, past the end included).
        /// </summary>
        private static void PrefetchPart(float* next, int part, int parts)
        {
            if (!Sse.IsSupported) return;
            const int floatsPerLine = 16;
            int lines = Kc * TMicro.Nr / floatsPerLine, per = (lines + parts - 1) / parts;
            int end = Math.Min(lines, (part + 1) * per);
            for (int line = part * per; line < end; line++) Sse.Prefetch1(next + line * floatsPerLine);
        }

        /// <summary>y[rows, j .. j + cols] = bias (or 0), the start of every output's sum.</summary>
        private readonly void InitializeTiles(int iBegin, int iEnd, int j, int cols)
        {
            for (int i = iBegin; i < iEnd; i++)
            {
                var row = new Span<float>(Y + (long)i * Ldy + j, cols);
                if (Bias is null) row.Clear();
                else new ReadOnlySpan<float>(Bias + j, cols).CopyTo(row);
            }
        }
    }
}
