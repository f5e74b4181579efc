using System.Numerics;
using EdgeBert.Kernels.Packing;

namespace EdgeBert.Kernels.Binary;

/// <summary>
/// The W1A1 oracle: plain loops over tokens, outputs and K-words with scalar popcount, written
/// independently of the driver and epilogues the SIMD paths share. Runs on the calling thread
/// whatever the thread count (it exists to be obviously right, not fast).
/// </summary>
internal sealed class BinaryGemmScalar() : BinaryGemm(KernelIsa.Scalar)
{
    private protected override unsafe void MultiplyCore(ulong* activations, int tokens, PackedBinaryWeights weights,
        float* activationScale, float* bias, float* output, int outputStride, int threads)
    {
        int stride = BinaryLayout.RowStrideWords(weights.K);
        ReadOnlySpan<float> alpha = weights.Alpha;
        for (int m = 0; m < tokens; m++)
        {
            float scale = activationScale == null ? 1f : activationScale[m];
            for (int n = 0; n < weights.N; n++)
            {
                int dot = weights.K - 2 * MismatchCount(activations + (long)m * stride, weights, n);
                output[(long)m * outputStride + n] = alpha[n] * scale * dot + (bias == null ? 0f : bias[n]);
            }
        }
    }

    private protected override unsafe void MultiplySignsCore(ulong* activations, int tokens, PackedBinaryWeights weights,
        SignThresholds thresholds, ulong* output, int outputStride, int threads)
    {
        int stride = BinaryLayout.RowStrideWords(weights.K);
        for (int m = 0; m < tokens; m++)
        {
            for (int n = 0; n < weights.N; n++)
            {
                int dot = weights.K - 2 * MismatchCount(activations + (long)m * stride, weights, n);
                if (thresholds.IsNegative(n, dot)) output[(long)m * outputStride + (n >> 6)] |= 1UL << (n & 63);
            }
        }
    }

    private static unsafe int MismatchCount(ulong* a, PackedBinaryWeights weights, int n)
    {
        int count = 0;
        for (int w = 0; w < weights.KWords; w++) count += BitOperations.PopCount(a[w] ^ weights.Word(n, w));
        return count;
    }
}
