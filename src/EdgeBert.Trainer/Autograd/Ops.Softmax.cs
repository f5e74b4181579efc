using System.Numerics.Tensors;

namespace EdgeBert.Trainer.Autograd;

public static partial class Ops
{
    /// <summary>
    /// Softmax over the last dimension of x + mask. The additive mask (0 to keep, a large
    /// negative number to drop; see <see cref="Nn.AttentionMask"/>) has x's rank, its last
    /// dimension equal to x's, and each other dimension equal to x's or 1 (broadcast), e.g.
    /// [B, 1, 1, L] for attention scores [B, heads, L, L]. It receives no gradient. A row whose
    /// every entry is −∞ yields zeros instead of NaN.
    /// </summary>
    /// <exception cref="ArgumentException">The mask's shape does not broadcast to x.</exception>
    public static Tensor Softmax(Tensor x, Tensor? additiveMask = null)
    {
        ShapeUtil.RequireRankAtLeast(x, 1, nameof(Softmax), nameof(x));
        int n = x.Dim(-1), rows = n == 0 ? 0 : x.Length / n;
        int[] maskRowOffsets = additiveMask is null ? [] : MaskRowOffsets(x, additiveMask);
        float[] xd = x.Data, md = additiveMask?.Data ?? [];
        var y = new float[x.Length];
        ParallelRows.For(rows, 4L * n, (s, e) =>
        {
            for (int r = s; r < e; r++)
            {
                Span<float> yr = y.AsSpan(r * n, n);
                if (additiveMask is null) xd.AsSpan(r * n, n).CopyTo(yr);
                else TensorPrimitives.Add(xd.AsSpan(r * n, n), md.AsSpan(maskRowOffsets[r], n), yr);
                float max = TensorPrimitives.Max(yr);
                if (float.IsNegativeInfinity(max))
                {
                    yr.Clear();
                    continue;
                }

                TensorPrimitives.Subtract(yr, max, yr);
                TensorPrimitives.Exp(yr, yr);
                TensorPrimitives.Divide(yr, TensorPrimitives.Sum(yr), yr);
            }
        });

        bool record = Tape.ShouldRecord(x);
        var output = new Tensor(y, x.ShapeArray(), record);
        if (record)
        {
            Tape.Record(output, nameof(Softmax), [x], g =>
            {
                float[] dx = x.GradBuffer();
                ParallelRows.For(rows, 3L * n, (s, e) =>
                {
                    for (int r = s; r < e; r++)
                    {
                        // dx = y ⊙ (g − ⟨g, y⟩).
                        ReadOnlySpan<float> yr = y.AsSpan(r * n, n), gr = g.AsSpan(r * n, n);
                        float dot = TensorPrimitives.Dot(gr, yr);
                        Span<float> dxr = dx.AsSpan(r * n, n);
                        for (int j = 0; j < n; j++) dxr[j] += yr[j] * (gr[j] - dot);
                    }
                });
            });
        }

        return output;
    }

    /// <summary>For every row of x, the offset of the mask row broadcast onto it.</summary>
    private static int[] MaskRowOffsets(Tensor x, Tensor mask)
    {
        int rank = x.Rank;
        bool fits = mask.Rank == rank && mask.Dim(-1) == x.Dim(-1);
        for (int d = 0; fits && d < rank - 1; d++) fits = mask.Dim(d) == x.Dim(d) || mask.Dim(d) == 1;
        if (!fits)
        {
            throw new ArgumentException(
                $"Softmax: mask {ShapeUtil.Format(mask.Shape)} does not broadcast to {ShapeUtil.Format(x.Shape)} (same rank, same last dimension, others equal or 1).",
                nameof(mask));
        }

        int n = x.Dim(-1), rows = n == 0 ? 0 : x.Length / n;
        var offsets = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            int rest = r, offset = 0, stride = n;
            for (int d = rank - 2; d >= 0; d--)
            {
                int index = rest % x.Dim(d);
                rest /= x.Dim(d);
                if (mask.Dim(d) != 1) offset += index * stride;
                stride *= mask.Dim(d);
            }

            offsets[r] = offset;
        }

        return offsets;
    }
}
