using System.Numerics.Tensors;

namespace EdgeBert.Encoder;

/// <summary>FP32 linear. Interim: a dot product per output (TensorPrimitives) until the SGEMM of branch kint is merged.</summary>
internal sealed class FloatLinear(string name, float[] weight, float[] bias, int n, int k)
    : QuantizedLinear(name, LinearScheme.Fp32, n, k)
{
    public override void Forward(ReadOnlySpan<float> x, int tokens, Span<float> y, LinearScratch scratch, int threads)
    {
        ThrowIfBad(x, tokens, y);
        for (int m = 0; m < tokens; m++)
        {
            ReadOnlySpan<float> row = x.Slice(m * K, K);
            Span<float> output = y.Slice(m * N, N);
            for (int j = 0; j < N; j++) output[j] = TensorPrimitives.Dot(row, weight.AsSpan(j * K, K)) + bias[j];
        }
    }
}
