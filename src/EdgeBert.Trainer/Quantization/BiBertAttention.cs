using EdgeBert.Trainer.Autograd;

namespace EdgeBert.Trainer.Quantization;

/// <summary>
/// Bi-Attention's weights (METHODS.md §3.2) as a <c>MultiHeadSelfAttention.AttentionFunction</c>:
/// bool(A + mask) with A = B_Q·B_Kᵀ/√d (the scores of sign()ed Q and K), 1 where A + mask &gt; 0 and
/// 0 elsewhere (A = 0 gives 0, as the runtime), STE 1[|A + mask| &lt; 1] (<see cref="BoolAttention"/>).
/// Padding keys carry −10000, so they get 0 and no gradient; the runtime has no padding at all,
/// so this is what makes a padded batch compute the runtime's per-sequence result.
/// </summary>
public static class BiBertAttention
{
    /// <summary>bool(<paramref name="scores"/> + <paramref name="mask"/>); the mask is [B, 1, 1, L] (additive) or null.</summary>
    /// <exception cref="ArgumentException">The mask does not fit the scores [B, heads, L, L], or a value is not finite.</exception>
    public static Tensor Apply(Tensor scores, Tensor? mask)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (mask is null) return BoolAttention.Apply(scores);
        if (scores.Rank != 4 || mask.Rank != 4 || mask.Dim(0) != scores.Dim(0) || mask.Dim(1) != 1 || mask.Dim(2) != 1 || mask.Dim(3) != scores.Dim(3))
            throw new ArgumentException($"bi-attention: the mask must be [{(scores.Rank > 0 ? scores.Dim(0) : 0)}, 1, 1, {(scores.Rank > 0 ? scores.Dim(-1) : 0)}] for scores {scores}, got {mask}.");
        int batch = scores.Dim(0), rows = scores.Dim(1) * scores.Dim(2), length = scores.Dim(3);
        // The mask is a constant: broadcast it to the scores' shape and add (no gradient flows into it).
        var expanded = new float[scores.Length];
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> keys = mask.Data.AsSpan(b * length, length);
            for (int r = 0; r < rows; r++) keys.CopyTo(expanded.AsSpan((b * rows + r) * length, length));
        }
        return BoolAttention.Apply(Ops.Add(scores, new Tensor(expanded, scores.ShapeArray())));
    }
}
