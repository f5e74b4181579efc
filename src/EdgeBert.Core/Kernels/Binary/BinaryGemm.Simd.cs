using EdgeBert.Kernels.Packing;

namespace EdgeBert.Kernels.Binary;

/// <summary>
/// W1A1 on a SIMD micro-kernel: the shared <see cref="PopCountGemmDriver"/> with
/// <see cref="XorOp"/>. The instruction set lives in <typeparamref name="TTile"/>
/// (PopCountTile.Avx512.cs, .Avx2.cs, .AdvSimd.cs, .Vector128.cs); products with at least
/// <c>longKWords</c> K-words run on <typeparamref name="TLongTile"/> instead (Harley–Seal on
/// AVX-512, PopCountTile.Avx512HarleySeal.cs). With <c>sextet</c> every product with
/// K ≤ <see cref="Avx512XorTableTile.MaxK"/> runs on <see cref="Avx512XorTableTile"/> instead
/// (AVX-512 VBMI): the activations are staged as table offsets of their
/// <see cref="SextetLayout"/> sextets inside the product's parallel step (O(M·K), a pooled
/// buffer; once for three products of one input) and the weights' 64-output panels are built
/// on first use. All give the same integer counts.
/// </summary>
internal sealed class BinaryGemmSimd<TTile, TLongTile> : BinaryGemm
    where TTile : struct, IPopCountTile
    where TLongTile : struct, IPopCountTile
{
    private readonly int _longKWords;
    private readonly bool _sextet;

    /// <param name="isa">The instruction-set family.</param>
    /// <param name="longKWords">K-words from which <typeparamref name="TLongTile"/> runs (int.MaxValue: never).</param>
    /// <param name="sextet">Run every product with K ≤ <see cref="Avx512XorTableTile.MaxK"/> on <see cref="Avx512XorTableTile"/>.</param>
    public BinaryGemmSimd(KernelIsa isa, int longKWords = int.MaxValue, bool sextet = false)
        : base(isa)
    {
        // The selector and the micro-kernel must agree; a mismatch would execute unsupported instructions.
        if (!TTile.IsSupported) throw new PlatformNotSupportedException($"{typeof(TTile).Name} cannot run in this process.");
        if (longKWords != int.MaxValue && !TLongTile.IsSupported) throw new PlatformNotSupportedException($"{typeof(TLongTile).Name} cannot run in this process.");
        if (sextet && !Avx512XorTableTile.IsSupported) throw new PlatformNotSupportedException($"{nameof(Avx512XorTableTile)} cannot run in this process.");
        _longKWords = longKWords;
        _sextet = sextet;
    }

    /// <inheritdoc/>
    public override string PopCountFor(int k) =>
        UsesSextets(k) ? "vpermb" : BinaryLayout.RowStrideWords(k) >= _longKWords ? TileName(typeof(TLongTile)) : TileName(typeof(TTile));

    private static string TileName(Type tile) => tile == typeof(Avx512HarleySealTile) ? "harley-seal" : "lookup";

    private protected override unsafe void MultiplyCore(ulong* activations, int tokens, PackedBinaryWeights weights,
        float* activationScale, float* bias, float* output, int outputStride, int threads)
    {
        fixed (float* alpha = weights.Alpha)
        {
            var epilogue = new DotFloatEpilogue
            {
                Output = output, OutputStride = outputStride, Alpha = alpha,
                TokenScale = activationScale, Bias = bias, Base = null, K = weights.K,
            };
            Run(activations, tokens, weights, in epilogue, threads);
        }
    }

    private protected override unsafe void MultiplySignsCore(ulong* activations, int tokens, PackedBinaryWeights weights,
        SignThresholds thresholds, ulong* output, int outputStride, int threads)
    {
        fixed (int* threshold = thresholds.Threshold)
        fixed (int* bound = thresholds.Bound)
        {
            var epilogue = DotSignEpilogue.For(output, outputStride, threshold, bound, null, weights.K, threads);
            Run(activations, tokens, weights, in epilogue, threads);
        }
    }

    /// <summary>The driver on the tile this product's depth calls for.</summary>
    private unsafe void Run<TEpilogue>(ulong* activations, int tokens, PackedBinaryWeights weights, in TEpilogue epilogue, int threads)
        where TEpilogue : struct, IPopCountEpilogue
    {
        if (UsesSextets(weights.K))
        {
            RunSextets(activations, tokens, weights, in epilogue, threads);
            return;
        }
        int stride = BinaryLayout.RowStrideWords(weights.K);
        fixed (ulong* w = weights.PanelWords)
        {
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

    private bool UsesSextets(int k) => _sextet && k <= Avx512XorTableTile.MaxK;

    /// <summary>The sextet table tile on one product: <see cref="XorTableGemmDriver"/> stages the activations in the same step.</summary>
    private static unsafe void RunSextets<TEpilogue>(ulong* activations, int tokens, PackedBinaryWeights weights, in TEpilogue epilogue, int threads)
        where TEpilogue : struct, IPopCountEpilogue
    {
        fixed (byte* w = weights.XorTablePanels)
        {
            ReadOnlySpan<XorTableProduct<TEpilogue>> product = [new XorTableProduct<TEpilogue> { Panels = w, N = weights.N, Epilogue = epilogue }];
            XorTableGemmDriver.Run(activations, tokens, weights.K, product, threads);
        }
    }

    private protected override unsafe void MultiplySignsCore(ulong* activations, int tokens, SignCall first, SignCall second, SignCall third, int threads)
    {
        if (!UsesSextets(first.Weights.K))
        {
            base.MultiplySignsCore(activations, tokens, first, second, third, threads);
            return;
        }
        // One step for the three: the input is staged once and the work items of all three share the threads.
        fixed (byte* w0 = first.Weights.XorTablePanels)
        fixed (int* t0 = first.Thresholds.Threshold)
        fixed (int* b0 = first.Thresholds.Bound)
        fixed (byte* w1 = second.Weights.XorTablePanels)
        fixed (int* t1 = second.Thresholds.Threshold)
        fixed (int* b1 = second.Thresholds.Bound)
        fixed (byte* w2 = third.Weights.XorTablePanels)
        fixed (int* t2 = third.Thresholds.Threshold)
        fixed (int* b2 = third.Thresholds.Bound)
        {
            ReadOnlySpan<XorTableProduct<DotSignEpilogue>> products =
            [
                SignProductOf(first, w0, t0, b0, threads),
                SignProductOf(second, w1, t1, b1, threads),
                SignProductOf(third, w2, t2, b2, threads),
            ];
            XorTableGemmDriver.Run(activations, tokens, first.Weights.K, products, threads);
        }
    }

    private static unsafe XorTableProduct<DotSignEpilogue> SignProductOf(SignCall call, byte* panels, int* threshold, int* bound, int threads) => new()
    {
        Panels = panels,
        N = call.Weights.N,
        Epilogue = DotSignEpilogue.For(call.Output, call.OutputStride, threshold, bound, null, call.Weights.K, threads),
    };
}
