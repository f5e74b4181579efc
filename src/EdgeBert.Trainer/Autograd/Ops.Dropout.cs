namespace EdgeBert.Trainer.Autograd;

public static partial class Ops
{
    /// <summary>
    /// Inverted dropout: zeroes each value with probability <paramref name="p"/> and scales the
    /// rest by 1/(1 − p). The mask comes from <paramref name="rng"/>, so a seeded generator
    /// reproduces it. Returns x itself when not training or p = 0.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">p is outside [0, 1).</exception>
    public static Tensor Dropout(Tensor x, float p, Random rng, bool training = true)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(rng);
        if (!(p >= 0f && p < 1f)) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout: p must be in [0, 1).");
        if (!training || p == 0f) return x;

        float keepScale = 1f / (1f - p);
        var mask = new float[x.Length];
        // Drawn serially: one stream of numbers per call keeps the mask independent of threads.
        for (int i = 0; i < mask.Length; i++) mask[i] = rng.NextSingle() >= p ? keepScale : 0f;
        var y = new float[x.Length];
        System.Numerics.Tensors.TensorPrimitives.Multiply(x.Data, mask, y);
        return Unary(x, y, nameof(Dropout), (g, dx) => System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(g, mask, dx, dx));
    }
}
