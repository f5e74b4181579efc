using System.Numerics.Tensors;
using CommunityToolkit.HighPerformance.Buffers;
using CommunityToolkit.HighPerformance.Helpers;

namespace EdgeBert.Kernels.Float;

/// <summary>
/// FP32 scaled dot-product attention with the heads split over threads: per head,
/// S = Q_h·K_hᵀ/√d, P = softmax(S) row by row, context_h = P·V_h, each head's two GEMMs on one
/// thread. One equal range of heads per thread (12 heads on 2 threads: 6 each), one fork-join
/// per layer instead of one per GEMM. Heads are strided views of the [tokens, width] rows, so
/// nothing is copied. Each head's arithmetic is the same whatever the thread count.
/// </summary>
internal static unsafe class AttentionHeads
{
    /// <param name="sgemm">The FP32 GEMM to use.</param>
    /// <param name="q">Queries [tokens, width].</param>
    /// <param name="k">Keys [tokens, width].</param>
    /// <param name="v">Values [tokens, width].</param>
    /// <param name="tokens">Sequence length.</param>
    /// <param name="width">Row width of q, k, v and context: heads × head size.</param>
    /// <param name="heads">Heads.</param>
    /// <param name="headSize">Dimensions per head d (scores are scaled by 1/√d).</param>
    /// <param name="scores">Scratch of at least tokens × tokens floats (the first thread's; the others rent theirs).</param>
    /// <param name="context">Output [tokens, width].</param>
    /// <param name="threads">Threads to split the heads over.</param>
    /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
    public static void Compute(SgemmKernel sgemm, ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v,
        int tokens, int width, int heads, int headSize, Span<float> scores, Span<float> context, int threads)
    {
        ArgumentNullException.ThrowIfNull(sgemm);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tokens);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(heads);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(headSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, heads * headSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        long matrix = (long)tokens * width;
        if (q.Length < matrix || k.Length < matrix || v.Length < matrix || context.Length < matrix)
            throw new ArgumentException($"q, k, v and context need {matrix} values ([{tokens}, {width}]).", nameof(q));
        if (scores.Length < (long)tokens * tokens)
            throw new ArgumentException($"scores has {scores.Length} values, {tokens} tokens need {(long)tokens * tokens}.", nameof(scores));
        int parts = Math.Min(threads, heads);
        fixed (float* pq = q, pk = k, pv = v, ps = scores, pc = context)
        {
            var work = new HeadWork
            {
                Sgemm = sgemm, Q = pq, K = pk, V = pv, Scores = ps, Context = pc,
                Tokens = tokens, Width = width, Heads = heads, HeadSize = headSize, Parts = parts,
            };
            KernelParallel.For(parts, parts, 1, in work);
        }
    }

    /// <summary>One thread's equal range of heads.</summary>
    private struct HeadWork : IAction
    {
        public SgemmKernel Sgemm;
        public float* Q, K, V, Scores, Context;
        public int Tokens, Width, Heads, HeadSize, Parts;

        public readonly void Invoke(int part)
        {
            int hBegin = part * Heads / Parts, hEnd = (part + 1) * Heads / Parts;
            int t = Tokens, n = t * Width, s = t * t;
            using SpanOwner<float> rented = part == 0 ? SpanOwner<float>.Empty : SpanOwner<float>.Allocate(s);
            Span<float> scores = part == 0 ? new Span<float>(Scores, s) : rented.Span;
            float scale = 1f / MathF.Sqrt(HeadSize);
            for (int h = hBegin; h < hEnd; h++)
            {
                int offset = h * HeadSize, rest = n - offset;
                var q = new ReadOnlySpan<float>(Q + offset, rest);
                var k = new ReadOnlySpan<float>(K + offset, rest);
                var v = new ReadOnlySpan<float>(V + offset, rest);
                Sgemm.Gemm(false, true, t, t, HeadSize, scale, q, Width, k, Width, 0f, scores, t, 1);
                for (int i = 0; i < t; i++)
                {
                    Span<float> row = scores.Slice(i * t, t);
                    TensorPrimitives.SoftMax(row, row);
                }
                Sgemm.Gemm(false, false, t, HeadSize, t, 1f, scores, t, v, Width, 0f, new Span<float>(Context + offset, rest), Width, 1);
            }
        }
    }
}
