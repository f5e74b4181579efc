using EdgeBert.Trainer.Autograd;

namespace EdgeBert.Trainer.Nn;

/// <summary>Builds the additive attention mask that <see cref="Ops.Softmax"/> broadcasts over heads and queries.</summary>
public static class AttentionMask
{
    /// <summary>
    /// Added to the scores of padding keys. Like the original BERT it is finite, so a fully padded
    /// row still has a defined softmax; exp(−10000) is exactly 0 in float32.
    /// </summary>
    public const float Masked = -10000f;

    /// <summary>
    /// [B, 1, 1, L] with 0 where <paramref name="keep"/>[b·L + j] is 1 and <see cref="Masked"/> where it is 0.
    /// </summary>
    /// <exception cref="ArgumentException">The sizes do not match or a value is neither 0 nor 1.</exception>
    public static Tensor FromPadding(int[] keep, int batch, int length)
    {
        ArgumentNullException.ThrowIfNull(keep);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        if (keep.Length != batch * length)
        {
            throw new ArgumentException($"AttentionMask: {keep.Length} values for batch {batch} × length {length}.", nameof(keep));
        }

        var data = new float[keep.Length];
        for (int i = 0; i < keep.Length; i++)
        {
            data[i] = keep[i] switch
            {
                1 => 0f,
                0 => Masked,
                _ => throw new ArgumentException($"AttentionMask: value {keep[i]} at {i} is neither 0 nor 1.", nameof(keep)),
            };
        }

        return new Tensor(data, [batch, 1, 1, length]);
    }
}
