namespace EdgeBert.Kernels.Integer;

/// <summary>
/// int8 weights (per-row scale, <c>value = scale[row] · q</c>) packed for the W8A8 GEMM.
/// </summary>
/// <remarks>
/// Panel layout (16 outputs, K in groups of 4, 64 bytes per group):
/// <code>
/// panel p, group g:  byte 4j+t = w[16p + j, 4g + t]     j = 0..15, t = 0..3
/// ┌ o0:k0 k1 k2 k3 ┬ o1:k0..k3 ┬ ... ┬ o15:k0..k3 ┐  64 bytes = one zmm, two ymm, four xmm
/// </code>
/// Each int32 lane holds 4 consecutive K bytes of one output: exactly what VPDPBUSD (and ARM
/// SDOT) multiply against a broadcast 4-byte group of one token's activations.
/// </remarks>
public sealed class PackedInt8Weights : PackedIntegerWeights
{
    /// <summary>
    /// Largest K with a provably exact int32 accumulator: |w·x| ≤ 128·128 per term, so
    /// |Σ| ≤ 16384·K &lt; 2³¹ for K ≤ 131071.
    /// </summary>
    public const int MaxK = 131071;

    private PackedInt8Weights(int n, int k, float[] scales, int[] sums, byte[] data, int panelBytes)
        : base(n, k, scales, sums, data, panelBytes)
    {
    }

    /// <summary>
    /// Packs canonical <c>i8</c> weights: [n, k] row-major signed bytes with the row stride
    /// rounded up to 64 bytes (padding 0), and n per-row scales (or 1 per-tensor scale).
    /// </summary>
    /// <exception cref="ArgumentException">Lengths do not match the shape, or a scale is not finite.</exception>
    public static PackedInt8Weights Pack(ReadOnlySpan<sbyte> weights, int n, int k, ReadOnlySpan<float> scales)
    {
        CheckShape(n, k, MaxK);
        int stride = RoundUp(k, 64);
        if ((long)n * stride != weights.Length)
        {
            throw new ArgumentException(
                $"i8 weight [{n}, {k}] has row stride {stride} and needs {(long)n * stride} bytes, got {weights.Length}.", nameof(weights));
        }
        float[] expanded = ExpandScales(scales, n, nameof(scales));
        int kPad = RoundUp(k, KAlignment);
        int panels = (n + PanelWidth - 1) / PanelWidth;
        int panelBytes = kPad * PanelWidth;
        var data = new byte[(long)panels * panelBytes];
        var sums = new int[panels * PanelWidth];
        for (int row = 0; row < n; row++)
        {
            ReadOnlySpan<sbyte> w = weights.Slice(row * stride, k);
            int panel = row / PanelWidth, j = row % PanelWidth, sum = 0;
            Span<byte> dst = data.AsSpan(panel * panelBytes, panelBytes);
            for (int kk = 0; kk < k; kk++)
            {
                dst[kk / 4 * 64 + 4 * j + kk % 4] = (byte)w[kk];
                sum += w[kk];
            }
            sums[row] = sum;
        }
        return new PackedInt8Weights(n, k, expanded, sums, data, panelBytes);
    }

    /// <summary>Reads back w[row, k] (tests and diagnostics).</summary>
    internal sbyte this[int row, int k] =>
        (sbyte)Data[row / PanelWidth * PanelBytes + k / 4 * 64 + 4 * (row % PanelWidth) + k % 4];
}
