using System.Numerics;
using EdgeBert.Kernels.Packing;

namespace EdgeBert.Kernels.Binary;

/// <summary>
/// The W2A1 oracle: plain loops with scalar popcount, independent of the shared driver and
/// epilogues. Runs on the calling thread whatever the thread count.
/// </summary>
internal sealed class TernaryBinaryGemmScalar() : TernaryBinaryGemm(KernelIsa.Scalar)
{
    private protected override unsafe void MultiplyCore(ulong* activations, int tokens, PackedTernaryWeights weights,
        float* activationScale, float* bias, float* output, int outputStride, int threads)
    {
        int stride = BinaryLayout.RowStrideWords(weights.K);
        ReadOnlySpan<float> alpha = weights.Alpha;
        for (int m = 0; m < tokens; m++)
        {
            float scale = activationScale == null ? 1f : activationScale[m];
            for (int n = 0; n < weights.N; n++)
            {
                int dot = Dot(activations + (long)m * stride, weights, n);
                output[(long)m * outputStride + n] = alpha[n] * scale * dot + (bias == null ? 0f : bias[n]);
            }
        }
    }

    private protected override unsafe void MultiplySignsCore(ulong* activations, int tokens, PackedTernaryWeights weights,
        SignThresholds thresholds, ulong* output, int outputStride, int threads)
    {
        int stride = BinaryLayout.RowStrideWords(weights.K);
        for (int m = 0; m < tokens; m++)
        {
            for (int n = 0; n < weights.N; n++)
            {
                int dot = Dot(activations + (long)m * stride, weights, n);
                if (thresholds.IsNegative(n, dot)) output[(long)m * outputStride + (n >> 6)] |= 1UL << (n & 63);
            }
        }
    }

    private static unsafe int Dot(ulong* a, PackedTernaryWeights weights, int n)
    {
        // Σ_k a_k·w_k over the nonzero weights: +1 per agreement, −1 per disagreement.
        int nonzero = 0, disagree = 0;
        for (int w = 0; w < weights.KWords; w++)
        {
            ulong mask = weights.NonZeroWord(n, w);
            nonzero += BitOperations.PopCount(mask);
            disagree += BitOperations.PopCount((a[w] ^ weights.SignWord(n, w)) & mask);
        }
        return nonzero - 2 * disagree;
    }
}
