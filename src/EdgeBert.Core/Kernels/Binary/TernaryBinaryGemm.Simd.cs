using EdgeBert.Kernels.Packing;

namespace EdgeBert.Kernels.Binary;

/// <summary>
/// W2A1 on a SIMD micro-kernel: the shared <see cref="PopCountGemmDriver"/> with
/// <see cref="MaskedXorOp"/> (one <c>TernaryLogic</c> on AVX-512).
/// </summary>
internal sealed class TernaryBinaryGemmSimd<TTile> : TernaryBinaryGemm
    where TTile : struct, IPopCountTile
{
    public TernaryBinaryGemmSimd(KernelIsa isa)
        : base(isa)
    {
        // The selector and the micro-kernel must agree; a mismatch would execute unsupported instructions.
        if (!TTile.IsSupported) throw new PlatformNotSupportedException($"{typeof(TTile).Name} cannot run in this process.");
    }

    private protected override unsafe void MultiplyCore(ulong* activations, int tokens, PackedTernaryWeights weights,
        float* activationScale, float* bias, float* output, int outputStride, int threads)
    {
        fixed (ulong* w = weights.PanelWords)
        fixed (float* alpha = weights.Alpha)
        fixed (int* nonzero = weights.NonZeroCount)
        {
            var epilogue = new DotFloatEpilogue
            {
                Output = output, OutputStride = outputStride, Alpha = alpha,
                TokenScale = activationScale, Bias = bias, Base = nonzero, K = weights.K,
            };
            PopCountGemmDriver.Run<TTile, MaskedXorOp, DotFloatEpilogue>(
                activations, BinaryLayout.RowStrideWords(weights.K), 1, tokens,
                w, weights.KWords, weights.PanelCount, weights.N, in epilogue, threads);
        }
    }

    private protected override unsafe void MultiplySignsCore(ulong* activations, int tokens, PackedTernaryWeights weights,
        SignThresholds thresholds, ulong* output, int outputStride, int threads)
    {
        fixed (ulong* w = weights.PanelWords)
        fixed (int* nonzero = weights.NonZeroCount)
        fixed (int* threshold = thresholds.Threshold)
        fixed (int* bound = thresholds.Bound)
        {
            var epilogue = DotSignEpilogue.For(output, outputStride, threshold, bound, nonzero, weights.K, threads);
            PopCountGemmDriver.Run<TTile, MaskedXorOp, DotSignEpilogue>(
                activations, BinaryLayout.RowStrideWords(weights.K), 1, tokens,
                w, weights.KWords, weights.PanelCount, weights.N, in epilogue, threads);
        }
    }
}
