using EdgeBert.Kernels.Packing;

namespace EdgeBert.Kernels.Binary;

/// <summary>
/// W1A1 on a SIMD micro-kernel: the shared <see cref="PopCountGemmDriver"/> with
/// <see cref="XorOp"/>. The instruction set lives in <typeparamref name="TTile"/>
/// (PopCountTile.Avx512.cs, .Avx2.cs, .AdvSimd.cs, .Vector128.cs); products with at least
/// <c>longKWords</c> K-words run on <typeparamref name="TLongTile"/> instead (Harley–Seal on
/// AVX-512, PopCountTile.Avx512HarleySeal.cs). Both give the same integer counts.
/// </summary>
internal sealed class BinaryGemmSimd<TTile, TLongTile> : BinaryGemm
    where TTile : struct, IPopCountTile
    where TLongTile : struct, IPopCountTile
{
    private readonly int _longKWords;

    /// <param name="isa">The instruction-set family.</param>
    /// <param name="longKWords">K-words from which <typeparamref name="TLongTile"/> runs (int.MaxValue: never).</param>
    public BinaryGemmSimd(KernelIsa isa, int longKWords = int.MaxValue)
        : base(isa)
    {
        // The selector and the micro-kernel must agree; a mismatch would execute unsupported instructions.
        if (!TTile.IsSupported) throw new PlatformNotSupportedException($"{typeof(TTile).Name} cannot run in this process.");
        if (longKWords != int.MaxValue && !TLongTile.IsSupported) throw new PlatformNotSupportedException($"{typeof(TLongTile).Name} cannot run in this process.");
        _longKWords = longKWords;
    }

    /// <inheritdoc/>
    public override string PopCountFor(int k) =>
        BinaryLayout.RowStrideWords(k) >= _longKWords ? TileName(typeof(TLongTile)) : TileName(typeof(TTile));

    private static string TileName(Type tile) => tile == typeof(Avx512HarleySealTile) ? "harley-seal" : "lookup";

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
            Run(activations, tokens, weights, w, in epilogue, threads);
        }
    }

    private protected override unsafe void MultiplySignsCore(ulong* activations, int tokens, PackedBinaryWeights weights,
        SignThresholds thresholds, ulong* output, int outputStride, int threads)
    {
        fixed (ulong* w = weights.PanelWords)
        fixed (int* threshold = thresholds.Threshold)
        fixed (int* bound = thresholds.Bound)
        {
            var epilogue = new DotSignEpilogue
            {
                Output = output, OutputStride = outputStride, Threshold = threshold, Bound = bound,
                Base = null, K = weights.K,
            };
            Run(activations, tokens, weights, w, in epilogue, threads);
        }
    }

    /// <summary>The driver on the tile this product's depth calls for.</summary>
    private unsafe void Run<TEpilogue>(ulong* activations, int tokens, PackedBinaryWeights weights, ulong* w, in TEpilogue epilogue, int threads)
        where TEpilogue : struct, IPopCountEpilogue
    {
        int stride = BinaryLayout.RowStrideWords(weights.K);
        if (weights.KWords >= _longKWords)
        {
            PopCountGemmDriver.Run<TLongTile, XorOp, TEpilogue>(activations, stride, 1, tokens, w, weights.KWords, weights.PanelCount, weights.N, in epilogue, threads);
        }
        else
        {
            PopCountGemmDriver.Run<TTile, XorOp, TEpilogue>(activations, stride, 1, tokens, w, weights.KWords, weights.PanelCount, weights.N, in epilogue, threads);
        }
    }
}
