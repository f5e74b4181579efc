using System.Numerics.Tensors;

namespace EdgeBert.Encoder;

/// <summary>
/// FP32 scaled dot-product attention for every scheme: per head, P = softmax(Q·Kᵀ/√d) and
/// context = P·V. Sequences run at their own length, so there is no padding to mask.
/// </summary>
internal static class SoftmaxAttention
{
    /// <param name="q">Queries [tokens, hidden].</param>
    /// <param name="k">Keys [tokens, hidden].</param>
    /// <param name="v">Values [tokens, hidden].</param>
    /// <param name="tokens">Sequence length.</param>
    /// <param name="hidden">Hidden size.</param>
    /// <param name="heads">Heads (divide hidden).</param>
    /// <param name="scores">Scratch of at least tokens floats.</param>
    /// <param name="context">Output [tokens, hidden].</param>
    public static void Compute(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, int tokens, int hidden, int heads,
        Span<float> scores, Span<float> context)
    {
        int d = hidden / heads;
        float scale = 1f / MathF.Sqrt(d);
        context.Slice(0, tokens * hidden).Clear();
        Span<float> row = scores.Slice(0, tokens);
        for (int h = 0; h < heads; h++)
        {
            for (int i = 0; i < tokens; i++)
            {
                ReadOnlySpan<float> qi = q.Slice(i * hidden + h * d, d);
                for (int j = 0; j < tokens; j++) row[j] = TensorPrimitives.Dot(qi, k.Slice(j * hidden + h * d, d)) * scale;
                TensorPrimitives.SoftMax(row, row);
                Span<float> ci = context.Slice(i * hidden + h * d, d);
                for (int j = 0; j < tokens; j++) TensorPrimitives.MultiplyAdd(v.Slice(j * hidden + h * d, d), row[j], ci, ci);
            }
        }
    }
}
