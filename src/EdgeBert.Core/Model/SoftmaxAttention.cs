using System.Numerics.Tensors;
using EdgeBert.Kernels.Float;

namespace EdgeBert.Encoder;

/// <summary>
/// FP32 scaled dot-product attention for every scheme: per head, S = Q_h·K_hᵀ/√d on the SGEMM
/// (heads are strided views of the [tokens, hidden] rows, so nothing is copied), P = softmax(S)
/// row by row, context_h = P·V_h. Sequences run at their own length, so there is no padding to mask.
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
    /// <param name="threads">Threads for the GEMMs.</param>
    public static void Compute(SgemmKernel sgemm, ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v,
        int tokens, int width, int heads, int headSize, Span<float> scores, Span<float> context, int threads)
    {
        int d = headSize, hidden = width;
        float scale = 1f / MathF.Sqrt(d);
        Span<float> s = scores.Slice(0, tokens * tokens);
        for (int h = 0; h < heads; h++)
        {
            int offset = h * d;
            sgemm.Gemm(false, true, tokens, tokens, d, scale, q[offset..], hidden, k[offset..], hidden, 0f, s, tokens, threads);
            for (int i = 0; i < tokens; i++)
            {
                Span<float> row = s.Slice(i * tokens, tokens);
                TensorPrimitives.SoftMax(row, row);
            }
            sgemm.Gemm(false, false, tokens, d, tokens, 1f, s, tokens, v[offset..], hidden, 0f, context[offset..], hidden, threads);
        }
    }
}
