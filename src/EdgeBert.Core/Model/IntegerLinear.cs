using EdgeBert.Encoder.Quantization;

namespace EdgeBert.Encoder;

/// <summary>
/// W8A8 and W2A8: integer weights (int8 codes or ternary {−1, 0, +1}) with a scale per output
/// row, times A8 activations. y[m, n] = (scale_a[m] · scale_w[n]) · Σ q_a·q_w + b[n]; the integer
/// sum is exact. Interim: plain integer loops until the Int8Gemm/TernaryGemm of branch kint are
/// merged (their results are identical: the sum is exact and the epilogue is this expression).
/// </summary>
internal sealed class IntegerLinear : QuantizedLinear
{
    private readonly sbyte[] _weights;
    private readonly float[] _scales;
    private readonly float[] _bias;

    public IntegerLinear(string name, LinearScheme scheme, sbyte[] weights, float[] scales, float[] bias, int n, int k)
        : base(name, scheme, n, k)
    {
        _weights = weights;
        _scales = scales;
        _bias = bias;
    }

    public override void Forward(ReadOnlySpan<float> x, int tokens, Span<float> y, LinearScratch scratch, int threads)
    {
        ThrowIfBad(x, tokens, y);
        Span<sbyte> codes = scratch.Codes;
        for (int m = 0; m < tokens; m++)
        {
            float scale = ActivationQuantizer.QuantizeSymmetric(x.Slice(m * K, K), codes.Slice(m * K, K));
            ReadOnlySpan<sbyte> a = codes.Slice(m * K, K);
            Span<float> output = y.Slice(m * N, N);
            for (int j = 0; j < N; j++)
            {
                ReadOnlySpan<sbyte> w = _weights.AsSpan(j * K, K);
                int dot = 0;
                for (int i = 0; i < K; i++) dot += a[i] * w[i];
                output[j] = scale * _scales[j] * dot + _bias[j];
            }
        }
    }
}
