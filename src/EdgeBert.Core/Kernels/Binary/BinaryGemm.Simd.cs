using EdgeBert.Kernels.Packing;

namespace EdgeBert.Kernels.Binary;

/// <summary>
/// W1A1 on a SIMD micro-kernel: the shared <see cref="PopCountGemmDriver"/> with
/// <see cref="XorOp"/>. The instruction set lives in <typeparamref name="TTile"/>
/// (PopCountTile.Avx512.cs, .Avx2.cs, .AdvSimd.cs, .Vector128.cs).
/// </summary>
internal sealed class BinaryGemmSimd<TTile> : BinaryGemm
    where TTile : struct, IPopCountTile
{
    public BinaryGemmSimd(KernelIsa isa)
        : base(isa)
    {
        // The selector and the micro-kernel must agree; a mismatch would execute unsupported instructions.
        if (!TTile.IsSupported) throw new PlatformNotSupportedException($"{typeof(TTile).Name} cannot run in this process.");
    }

    private protected override unsafe void MultiplyCore(ulong* activations, int tokens, PackedBinaryWeights weights,
        float* activationScale, float* bias, float* output, int outputStride, int threads)
    {
        fixed (ulong* w = weights.PanelWords)
        fixed (float* alpha = weights.Alpha)
        {
            var epilogue = new DotFloatEpilogue
            {
                Output = output, OutputStride = outputStride, Alpha = alpha,
                TokenScale = activationScale, Bias = bias, Base = null, K = weights.K,
            };
            PopCountGemmDriver.Run<TTile, XorOp, DotFloatEpilogue>(
                activations, BinaryLayout.RowStrideWords(weights.K), 1, tokens,
                w, weights.KWords, weights.PanelCount, weights.N, in epilogue, threads);
        }
    }

    private protected override unsafe void MultiplySignsCore(ulong* activations, int tokens, PackedBinaryWeights weights,
        SignThresholds thresholds, ulong* output, int outputStride, int threads)
    {
        fixed (ulong* w = weights.PanelWords)
        fixed (int* threshold = thresholds.Threshold)
        fixed (bool* flip = thresholds.Flip)
        fixed (int* flipMask = thresholds.FlipMask)
        {
            var epilogue = new DotSignEpilogue
            {
                Output = output, OutputStride = outputStride, Threshold = threshold, Flip = flip, FlipMask = flipMask,
                Base = null, K = weights.K,
            };
            PopCountGemmDriver.Run<TTile, XorOp, DotSignEpilogue>(
                activations, BinaryLayout.RowStrideWords(weights.K), 1, tokens,
                w, weights.KWords, weights.PanelCount, weights.N, in epilogue, threads);
        }
    }
}
