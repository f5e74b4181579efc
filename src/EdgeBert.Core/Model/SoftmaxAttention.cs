using EdgeBert.Kernels.Float;

namespace EdgeBert.Encoder;

/// <summary>
/// FP32 scaled dot-product attention for every scheme: per head, S = Q_h·K_hᵀ/√d on the SGEMM
/// (heads are strided views of the [tokens, hidden] rows, so nothing is copied), P = softmax(S)
/// row by row, context_h = P·V_h. Sequences run at their own length, so there is no padding to mask.
/// The heads are split over the threads (<see cref="AttentionHeads"/>).
/// </summary>
internal static class SoftmaxAttention
{
    /// <param name="sgemm">The FP32 GEMM to use.</param>
    /// <param name="q">Queries [tokens, width].</param>
    /// <param name="k">Keys [tokens, width].</param>
    /// <param name="v">Values [tokens, width].</param>
    /// <param name="tokens">Sequence length.</param>
    /// <param name="width">Row width of q, k, v and context: heads × head size.</param>
    /// <param name="heads">Heads.</param>
    /// <param name="headSize">Dimensions per head d (scores are scaled by 1/√d).</param>
    /// <param name="scores">Scratch of at least tokens × tokens floats.</param>
    /// <param name="context">Output [tokens, width].</param>
    /// <param name="threads">Threads to split the heads over.</param>
    public static void Compute(SgemmKernel sgemm, ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v,
        int tokens, int width, int heads, int headSize, Span<float> scores, Span<float> context, int threads)
        => AttentionHeads.Compute(sgemm, q, k, v, tokens, width, heads, headSize, scores, context, threads);
}
