using EdgeBert.Encoder.Quantization;
using EdgeBert.Trainer.Quantization;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Torch.Quantization;

/// <summary>
/// TWN and loss-aware ternary weights (METHODS.md §1.1, §1.2) over TorchSharp tensors. The forward
/// runs the Core <see cref="TernaryQuantizer"/> (the exporter's quantizer, so α and the codes are
/// the packed ones bit for bit) or the LAT alternation
/// (<see cref="LossAwareTernaryWeight.Ternarize"/>) on a host copy; the backward is the identity STE.
/// </summary>
public static class TorchTernaryWeight
{
    /// <summary>Layer-wise TWN (one α per tensor), for Linear weights.</summary>
    /// <exception cref="ArgumentException">The weight is not float32 or not finite.</exception>
    public static Tensor Apply(Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        float[] w = TorchSte.HostValues(weight, "twn_ternary");
        var codes = new sbyte[w.Length];
        float alpha = TernaryQuantizer.Ternarize(w, codes);
        return Dequantized(weight, codes, _ => alpha);
    }

    /// <summary>Row-wise TWN (one α per row), for the word embedding [vocab, hidden].</summary>
    /// <exception cref="ArgumentException">The weight is not a float32 matrix or not finite.</exception>
    public static Tensor ApplyRows(Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        TorchSte.ThrowIfNotMatrix(weight, "twn_ternary_rows");
        float[] w = TorchSte.HostValues(weight, "twn_ternary_rows");
        int rows = (int)weight.shape[0], columns = (int)weight.shape[1];
        var codes = new sbyte[w.Length];
        var alpha = new float[rows];
        TernaryQuantizer.TernarizeRows(w, rows, columns, codes, alpha);
        return Dequantized(weight, codes, i => alpha[i / columns]);
    }

    /// <summary>
    /// Loss-aware ternarization (one α per tensor) from b = sign(w), alternating α and b
    /// <paramref name="iterations"/> times with the curvature <paramref name="curvature"/> (null: d ≡ 1).
    /// </summary>
    /// <exception cref="ArgumentException">Non-finite weights, or a curvature of the wrong length or not positive.</exception>
    public static Tensor ApplyLossAware(Tensor weight, float[]? curvature = null, int iterations = LossAwareTernaryWeight.DefaultIterations)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        float[] w = TorchSte.HostValues(weight, "lat_ternary");
        if (curvature is not null)
        {
            if (curvature.Length != w.Length) throw new ArgumentException($"lat_ternary: curvature has {curvature.Length} values for {w.Length} weights.", nameof(curvature));
            if (curvature.Any(d => !(d > 0f) || !float.IsFinite(d))) throw new ArgumentException("lat_ternary: every curvature value must be positive and finite.", nameof(curvature));
        }
        var codes = new sbyte[w.Length];
        float alpha = LossAwareTernaryWeight.Ternarize(w, curvature, codes, iterations);
        return Dequantized(weight, codes, _ => alpha);
    }

    private static Tensor Dequantized(Tensor weight, sbyte[] codes, Func<int, float> alpha)
    {
        var values = new float[codes.Length];
        for (int i = 0; i < values.Length; i++) values[i] = alpha(i) * codes[i];
        using Tensor q = TorchSte.FromHost(values, weight);
        return TorchSte.Identity(weight, q);
    }
}
