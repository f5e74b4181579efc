using CommunityToolkit.HighPerformance;
using EdgeBert.Kernels.Packing;

namespace EdgeBert.Kernels.Binary;

/// <summary>
/// W1A1 GEMM (xnor-popcount): binary activations [M, K] (canonical layout) times binary weights
/// [N, K] (<see cref="PackedBinaryWeights"/>), y[m, n] over k. With c = popcount(a_m ⊕ w_n),
/// the ±1 dot product is K − 2c. One implementation per instruction set; <see cref="Active"/>
/// is chosen once from <see cref="KernelIsaSelector.Active"/>.
/// Implementations hold no state: one instance may be called from any number of threads at
/// once, each call with its own output.
/// </summary>
public abstract class BinaryGemm
{
    private static readonly Lazy<BinaryGemm> s_active = new(() => Create(KernelIsaSelector.Active));

    private protected BinaryGemm(KernelIsa isa) => Isa = isa;

    /// <summary>The instruction-set family of this implementation.</summary>
    public KernelIsa Isa { get; }

    /// <summary>The implementation for <see cref="KernelIsaSelector.Active"/>, created on first use.</summary>
    public static BinaryGemm Active => s_active.Value;

    /// <summary>
    /// The implementation for <paramref name="isa"/>; throws <see cref="PlatformNotSupportedException"/>
    /// when this process cannot run it.
    /// </summary>
    public static BinaryGemm Create(KernelIsa isa) => Create(isa, PopCountMethod.PerShape);

    /// <summary>
    /// K-words (of 64 bits) from which the AVX-512 Harley–Seal tile replaces the vpshufb lookup
    /// under <see cref="PopCountMethod.PerShape"/>: measured side by side with
    /// <c>edgebert bench --kernels</c> (benchmarks/RESULTS.md, issue 13).
    /// </summary>
    public const int HarleySealMinKWords = 24;

    /// <summary>
    /// The implementation for <paramref name="isa"/> with the popcount <paramref name="method"/>
    /// (Harley–Seal exists for AVX-512 only and the sextet table for AVX-512 VBMI only; elsewhere
    /// every method is the lookup).
    /// </summary>
    public static BinaryGemm Create(KernelIsa isa, PopCountMethod method)
    {
        GemmValidation.ThrowIfUnsupported(isa, nameof(BinaryGemm));
        int longKWords = method switch
        {
            PopCountMethod.Lookup => int.MaxValue,
            PopCountMethod.HarleySeal => 0,
            _ => HarleySealMinKWords,
        };
        bool sextet = method is PopCountMethod.PerShape or PopCountMethod.Sextet && Avx512XorTableTile.IsSupported;
        return isa switch
        {
            KernelIsa.Scalar => new BinaryGemmScalar(),
            KernelIsa.Vector128 => new BinaryGemmSimd<Vector128PopCountTile, Vector128PopCountTile>(isa),
            KernelIsa.AdvSimd => new BinaryGemmSimd<AdvSimdPopCountTile, AdvSimdPopCountTile>(isa),
            KernelIsa.Avx2 => new BinaryGemmSimd<Avx2PopCountTile, Avx2PopCountTile>(isa),
            _ => new BinaryGemmSimd<Avx512PopCountTile, Avx512HarleySealTile>(isa, longKWords, sextet),
        };
    }

    /// <summary>The popcount this implementation uses for a product of depth <paramref name="k"/> bits (shown by <c>edgebert info</c> and <c>bench</c>).</summary>
    public virtual string PopCountFor(int k) => "popcnt";

    /// <summary>
    /// y[m, n] = alpha_w[n] · alpha_a[m] · (K − 2·popcount(a_m ⊕ w_n)) + bias[n].
    /// </summary>
    /// <param name="activations">tokens × <see cref="BinaryLayout.RowStrideWords"/>(K) words, padding bits 0.</param>
    /// <param name="tokens">M, the number of activation rows.</param>
    /// <param name="weights">Packed weights [N, K].</param>
    /// <param name="activationScale">Empty (1, as in BiBERT) or one scale per token.</param>
    /// <param name="bias">Empty or N values.</param>
    /// <param name="output">[tokens, N] floats.</param>
    /// <param name="threads">Threads to use (1 runs on the caller).</param>
    public unsafe void Multiply(ReadOnlySpan<ulong> activations, int tokens, PackedBinaryWeights weights,
        ReadOnlySpan<float> activationScale, ReadOnlySpan<float> bias, Span2D<float> output, int threads)
    {
        ArgumentNullException.ThrowIfNull(weights);
        GemmValidation.ThrowIfBadCall(tokens, weights.N, activationScale, false, bias, threads);
        BinaryLayout.ThrowIfTooShort(activations.Length, tokens, weights.K, nameof(activations));
        BinaryLayout.ThrowIfPaddingSet(activations, tokens, weights.K, nameof(activations));
        GemmValidation.ThrowIfBadOutput(output, tokens, weights.N);
        if (tokens == 0) return;
        fixed (ulong* a = activations)
        fixed (float* scale = activationScale)
        fixed (float* b = bias)
        fixed (float* y = &output.DangerousGetReference())
        {
            MultiplyCore(a, tokens, weights, scale, b, y, GemmValidation.Stride(output), threads);
        }
    }

    /// <summary>
    /// The fused sign epilogue: writes the next layer's binary activations [tokens, N] in the
    /// canonical layout, bit n of row m = 1 exactly when
    /// alpha[n]·(K − 2·popcount(a_m ⊕ w_n)) + beta[n] &lt; 0 (see <see cref="SignThresholds"/>).
    /// </summary>
    /// <param name="activations">tokens × <see cref="BinaryLayout.RowStrideWords"/>(K) words, padding bits 0.</param>
    /// <param name="tokens">M.</param>
    /// <param name="weights">Packed weights [N, K].</param>
    /// <param name="thresholds">Made for this N and K.</param>
    /// <param name="output">tokens × <see cref="BinaryLayout.RowStrideWords"/>(N) words; overwritten, padding 0.</param>
    /// <param name="threads">Threads to use (1 runs on the caller).</param>
    public unsafe void MultiplySigns(ReadOnlySpan<ulong> activations, int tokens, PackedBinaryWeights weights,
        SignThresholds thresholds, Span<ulong> output, int threads)
    {
        ArgumentNullException.ThrowIfNull(weights);
        GemmValidation.ThrowIfBadCall(tokens, weights.N, default, false, default, threads);
        GemmValidation.ThrowIfBadThresholds(thresholds, weights.N, weights.K);
        BinaryLayout.ThrowIfTooShort(activations.Length, tokens, weights.K, nameof(activations));
        BinaryLayout.ThrowIfPaddingSet(activations, tokens, weights.K, nameof(activations));
        GemmValidation.ThrowIfBadSignOutput(output.Length, tokens, weights.N);
        int outStride = BinaryLayout.RowStrideWords(weights.N);
        output.Slice(0, tokens * outStride).Clear();
        if (tokens == 0) return;
        fixed (ulong* a = activations)
        fixed (ulong* y = output)
        {
            MultiplySignsCore(a, tokens, weights, thresholds, y, outStride, threads);
        }
    }

    /// <summary>
    /// Three fused sign products of one input (Bi-Attention's Q, K and V projections), each
    /// exactly as <see cref="MultiplySigns(ReadOnlySpan{ulong}, int, PackedBinaryWeights, SignThresholds, Span{ulong}, int)"/>
    /// would write it. Where the kernel stages its input (the AVX-512 VBMI sextet table), the
    /// input is staged once for the three and they run as one parallel step.
    /// </summary>
    /// <param name="activations">tokens × <see cref="BinaryLayout.RowStrideWords"/>(K) words, padding bits 0.</param>
    /// <param name="tokens">M.</param>
    /// <param name="first">The first product (same K as the others).</param>
    /// <param name="second">The second product.</param>
    /// <param name="third">The third product.</param>
    /// <param name="threads">Threads to use (1 runs on the caller).</param>
    public unsafe void MultiplySigns(ReadOnlySpan<ulong> activations, int tokens, SignProduct first, SignProduct second, SignProduct third, int threads)
    {
        ValidateSigns(activations, tokens, first);
        ValidateSigns(activations, tokens, second);
        ValidateSigns(activations, tokens, third);
        if (second.Weights.K != first.Weights.K || third.Weights.K != first.Weights.K)
        {
            throw new ArgumentException($"The three products read one input, so they need one K, not {first.Weights.K}, {second.Weights.K} and {third.Weights.K}.", nameof(second));
        }
        // Outputs are cleared only once the whole call is valid: a bad call leaves every buffer as it was.
        first.Output.Slice(0, tokens * BinaryLayout.RowStrideWords(first.Weights.N)).Clear();
        second.Output.Slice(0, tokens * BinaryLayout.RowStrideWords(second.Weights.N)).Clear();
        third.Output.Slice(0, tokens * BinaryLayout.RowStrideWords(third.Weights.N)).Clear();
        if (tokens == 0) return;
        fixed (ulong* a = activations)
        fixed (ulong* y0 = first.Output)
        fixed (ulong* y1 = second.Output)
        fixed (ulong* y2 = third.Output)
        {
            MultiplySignsCore(a, tokens,
                new SignCall(first.Weights, first.Thresholds, y0), new SignCall(second.Weights, second.Thresholds, y1),
                new SignCall(third.Weights, third.Thresholds, y2), threads);
        }
    }

    /// <summary>Validates one sign product of <see cref="MultiplySigns(ReadOnlySpan{ulong}, int, SignProduct, SignProduct, SignProduct, int)"/>.</summary>
    private static void ValidateSigns(ReadOnlySpan<ulong> activations, int tokens, SignProduct product)
    {
        ArgumentNullException.ThrowIfNull(product.Weights);
        GemmValidation.ThrowIfBadCall(tokens, product.Weights.N, default, false, default, 1);
        GemmValidation.ThrowIfBadThresholds(product.Thresholds, product.Weights.N, product.Weights.K);
        BinaryLayout.ThrowIfTooShort(activations.Length, tokens, product.Weights.K, nameof(activations));
        BinaryLayout.ThrowIfPaddingSet(activations, tokens, product.Weights.K, nameof(activations));
        GemmValidation.ThrowIfBadSignOutput(product.Output.Length, tokens, product.Weights.N);
    }

    /// <summary>One validated, pinned sign product: its weights, thresholds and zeroed output rows.</summary>
    private protected readonly unsafe struct SignCall(PackedBinaryWeights weights, SignThresholds thresholds, ulong* output)
    {
        public PackedBinaryWeights Weights { get; } = weights;
        public SignThresholds Thresholds { get; } = thresholds;
        public ulong* Output { get; } = output;
        public int OutputStride => BinaryLayout.RowStrideWords(Weights.N);
    }

    /// <summary>Three sign products of one input on validated, pinned operands: by default one after the other.</summary>
    private protected virtual unsafe void MultiplySignsCore(ulong* activations, int tokens, SignCall first, SignCall second, SignCall third, int threads)
    {
        MultiplySignsCore(activations, tokens, first.Weights, first.Thresholds, first.Output, first.OutputStride, threads);
        MultiplySignsCore(activations, tokens, second.Weights, second.Thresholds, second.Output, second.OutputStride, threads);
        MultiplySignsCore(activations, tokens, third.Weights, third.Thresholds, third.Output, third.OutputStride, threads);
    }

    /// <summary>Float product on validated, pinned operands.</summary>
    private protected abstract unsafe void MultiplyCore(ulong* activations, int tokens, PackedBinaryWeights weights,
        float* activationScale, float* bias, float* output, int outputStride, int threads);

    /// <summary>Sign product on validated, pinned operands; output rows already zeroed.</summary>
    private protected abstract unsafe void MultiplySignsCore(ulong* activations, int tokens, PackedBinaryWeights weights,
        SignThresholds thresholds, ulong* output, int outputStride, int threads);
}
