namespace EdgeBert.Trainer.Autograd;

public static partial class Ops
{
    /// <summary>
    /// Embedding lookup: row ids[i] of <paramref name="weight"/> [V, H] for every id, giving
    /// [idsShape..., H]. The backward scatter-adds into the rows used (repeated ids add up).
    /// </summary>
    /// <param name="weight">The table [V, H].</param>
    /// <param name="ids">Row indices, each in [0, V).</param>
    /// <param name="idsShape">The shape of <paramref name="ids"/>, e.g. [B, L]; its product must equal ids.Length.</param>
    /// <exception cref="ArgumentException">The table is not rank 2, the ids do not fit the shape, or an id is out of range.</exception>
    public static Tensor Embedding(Tensor weight, int[] ids, int[] idsShape)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(idsShape);
        if (weight.Rank != 2) throw new ArgumentException($"Embedding: the table must be [V, H] but is {ShapeUtil.Format(weight.Shape)}.", nameof(weight));
        if (ShapeUtil.Count(idsShape, nameof(idsShape)) != ids.Length)
        {
            throw new ArgumentException($"Embedding: {ids.Length} ids do not fill shape {ShapeUtil.Format(idsShape)}.", nameof(idsShape));
        }

        int vocab = weight.Dim(0), h = weight.Dim(1);
        for (int i = 0; i < ids.Length; i++)
        {
            if ((uint)ids[i] >= (uint)vocab)
            {
                throw new ArgumentException($"Embedding: id {ids[i]} at position {i} is outside the table's {vocab} rows.", nameof(ids));
            }
        }

        int[] idsCopy = (int[])ids.Clone();
        float[] w = weight.Data;
        var y = new float[ids.Length * h];
        ParallelRows.For(ids.Length, h, (s, e) =>
        {
            for (int i = s; i < e; i++) w.AsSpan(idsCopy[i] * h, h).CopyTo(y.AsSpan(i * h, h));
        });

        bool record = Tape.ShouldRecord(weight);
        var output = new Tensor(y, [.. idsShape, h], record);
        if (record)
        {
            Tape.Record(output, nameof(Embedding), [weight], g =>
            {
                // Serial on purpose: repeated ids would race, and the order keeps sums deterministic.
                float[] dw = weight.GradBuffer();
                for (int i = 0; i < idsCopy.Length; i++)
                {
                    Span<float> row = dw.AsSpan(idsCopy[i] * h, h);
                    System.Numerics.Tensors.TensorPrimitives.Add(row, g.AsSpan(i * h, h), row);
                }
            });
        }

        return output;
    }

    /// <summary>
    /// Rows of a [N, H] tensor, e.g. the [CLS] vectors (rows b·L) of hidden states reshaped to
    /// [B·L, H], or the masked positions for an MLM head. Gradients scatter back into x.
    /// </summary>
    /// <exception cref="ArgumentException">x is not rank 2 or a row index is out of range.</exception>
    public static Tensor GatherRows(Tensor x, int[] rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return Embedding(x, rows, [rows.Length]);
    }
}
