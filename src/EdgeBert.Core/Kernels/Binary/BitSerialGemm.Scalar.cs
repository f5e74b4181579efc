using System.Numerics;
using EdgeBert.Kernels.Packing;

namespace EdgeBert.Kernels.Binary;

/// <summary>
/// The bit-serial oracle: plain loops, plane by plane, with scalar popcount. Runs on the
/// calling thread whatever the thread count.
/// </summary>
internal sealed class BitSerialGemmScalar() : BitSerialGemm(KernelIsa.Scalar)
{
    private protected override unsafe void MultiplyCore(ulong* planes, int tokens, int bits, PackedBinaryWeights weights,
        float* activationScale, int* zeroPoint, float* bias, float* output, int outputStride, int threads)
    {
        int stride = BinaryLayout.RowStrideWords(weights.K);
        ReadOnlySpan<float> alpha = weights.Alpha;
        for (int m = 0; m < tokens; m++)
        {
            long zero = zeroPoint == null ? 0 : zeroPoint[m];
            for (int n = 0; n < weights.N; n++)
            {
                // Σ_k w_k·q_k = Σ_b 2^b (popcount(a_b) − 2·popcount(a_b ∧ wneg)).
                long dotCodes = 0, weightSum = 0;
                for (int b = 0; b < bits; b++)
                {
                    ulong* plane = planes + ((long)m * bits + b) * stride;
                    long planeDot = 0;
                    for (int w = 0; w < weights.KWords; w++)
                    {
                        planeDot += BitOperations.PopCount(plane[w]) - 2 * BitOperations.PopCount(plane[w] & weights.Word(n, w));
                    }
                    dotCodes += planeDot << b;
                }
                for (int w = 0; w < weights.KWords; w++) weightSum -= 2 * BitOperations.PopCount(weights.Word(n, w));
                weightSum += weights.K;
                long dot = dotCodes - zero * weightSum;
                output[(long)m * outputStride + n] = alpha[n] * activationScale[m] * dot + (bias == null ? 0f : bias[n]);
            }
        }
    }
}
