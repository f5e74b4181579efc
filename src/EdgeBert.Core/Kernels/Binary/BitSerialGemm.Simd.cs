using CommunityToolkit.HighPerformance.Buffers;
using EdgeBert.Kernels.Packing;

namespace EdgeBert.Kernels.Binary;

/// <summary>
/// W1A4/W1A8 on a SIMD micro-kernel: the shared <see cref="PopCountGemmDriver"/> with
/// <see cref="AndOp"/> over bits plane rows per token; the epilogue combines planes with 2^b.
/// </summary>
internal sealed class BitSerialGemmSimd<TTile> : BitSerialGemm
    where TTile : struct, IPopCountTile
{
    public BitSerialGemmSimd(KernelIsa isa)
        : base(isa)
    {
        // The selector and the micro-kernel must agree; a mismatch would execute unsupported instructions.
        if (!TTile.IsSupported) throw new PlatformNotSupportedException($"{typeof(TTile).Name} cannot run in this process.");
    }

    private protected override unsafe void MultiplyCore(ulong* planes, int tokens, int bits, PackedBinaryWeights weights,
        float* activationScale, int* zeroPoint, float* bias, float* output, int outputStride, int threads)
    {
        using SpanOwner<long> sums = SpanOwner<long>.Allocate(tokens);
        CodeSums(planes, tokens, bits, weights.K, sums.Span);
        fixed (long* codeSum = sums.Span)
        fixed (ulong* w = weights.PanelWords)
        fixed (float* alpha = weights.Alpha)
        fixed (int* negatives = weights.NegativeCount)
        {
            var epilogue = new BitSerialFloatEpilogue
            {
                Output = output, OutputStride = outputStride, Alpha = alpha, TokenScale = activationScale,
                ZeroPoint = zeroPoint, CodeSum = codeSum, Negatives = negatives, Bias = bias,
                K = weights.K, Bits = bits,
            };
            PopCountGemmDriver.Run<TTile, AndOp, BitSerialFloatEpilogue>(
                planes, BinaryLayout.RowStrideWords(weights.K), bits, tokens,
                w, weights.KWords, weights.PanelCount, weights.N, in epilogue, threads);
        }
    }
}
