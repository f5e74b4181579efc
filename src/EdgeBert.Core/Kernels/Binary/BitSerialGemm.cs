using System.Numerics;
using CommunityToolkit.HighPerformance;
using EdgeBert.Kernels.Packing;

namespace EdgeBert.Kernels.Binary;

/// <summary>
/// W1A4 / W1A8 bit-serial GEMM: binary weights [N, K] times unsigned activation codes
/// q ∈ [0, 2^bits) split into bit planes (<see cref="BitPlanePacking"/>). A code stands for
/// scale[m]·(q − zeroPoint[m]), so signed activations work. For plane b,
/// Σ_k w_k·a_bk = popcount(a_b) − 2·popcount(a_b ∧ wneg), and the planes combine with 2^b.
/// One implementation per instruction set; <see cref="Active"/> is chosen once from
/// <see cref="KernelIsaSelector.Active"/>.
/// Implementations hold no state: one instance may be called from any number of threads at
/// once, each call with its own output.
/// </summary>
public abstract class BitSerialGemm
{
    private static readonly Lazy<BitSerialGemm> s_active = new(() => Create(KernelIsaSelector.Active));

    private protected BitSerialGemm(KernelIsa isa) => Isa = isa;

    /// <summary>The instruction-set family of this implementation.</summary>
    public KernelIsa Isa { get; }

    /// <summary>The implementation for <see cref="KernelIsaSelector.Active"/>, created on first use.</summary>
    public static BitSerialGemm Active => s_active.Value;

    /// <summary>
    /// The implementation for <paramref name="isa"/>; throws <see cref="PlatformNotSupportedException"/>
    /// when this process cannot run it.
    /// </summary>
    public static BitSerialGemm Create(KernelIsa isa)
    {
        GemmValidation.ThrowIfUnsupported(isa, nameof(BitSerialGemm));
        return isa switch
        {
            KernelIsa.Scalar => new BitSerialGemmScalar(),
            KernelIsa.Vector128 => new BitSerialGemmSimd<Vector128PopCountTile>(isa),
            KernelIsa.AdvSimd => new BitSerialGemmSimd<AdvSimdPopCountTile>(isa),
            KernelIsa.Avx2 => new BitSerialGemmSimd<Avx2PopCountTile>(isa),
            _ => new BitSerialGemmSimd<Avx512PopCountTile>(isa),
        };
    }

    /// <summary>
    /// y[m, n] = alpha_w[n] · scale[m] · Σ_k w_nk·(q_mk − zeroPoint[m]) + bias[n], with w = ±1.
    /// </summary>
    /// <param name="planes">tokens × bits × <see cref="BinaryLayout.RowStrideWords"/>(K) words from <see cref="BitPlanePacking.Pack(CommunityToolkit.HighPerformance.ReadOnlySpan2D{byte}, int, Span{ulong})"/>.</param>
    /// <param name="tokens">M.</param>
    /// <param name="bits">Bits per code, 1 to 8 (4 for W1A4, 8 for W1A8).</param>
    /// <param name="weights">Packed binary weights [N, K].</param>
    /// <param name="activationScale">One scale per token (required).</param>
    /// <param name="zeroPoint">Empty (0) or one zero point per token.</param>
    /// <param name="bias">Empty or N values.</param>
    /// <param name="output">[tokens, N] floats.</param>
    /// <param name="threads">Threads to use (1 runs on the caller).</param>
    public unsafe void Multiply(ReadOnlySpan<ulong> planes, int tokens, int bits, PackedBinaryWeights weights,
        ReadOnlySpan<float> activationScale, ReadOnlySpan<int> zeroPoint, ReadOnlySpan<float> bias,
        Span2D<float> output, int threads)
    {
        ArgumentNullException.ThrowIfNull(weights);
        BitPlanePacking.ThrowIfBadBits(bits);
        GemmValidation.ThrowIfBadCall(tokens, weights.N, activationScale, true, bias, threads);
        if (!zeroPoint.IsEmpty && zeroPoint.Length != tokens)
        {
            throw new ArgumentException($"Expected no or {tokens} per-token zero points, got {zeroPoint.Length}.", nameof(zeroPoint));
        }
        BinaryLayout.ThrowIfTooShort(planes.Length, tokens, weights.K, nameof(planes), bits);
        GemmValidation.ThrowIfBadOutput(output, tokens, weights.N);
        if (tokens == 0) return;
        fixed (ulong* a = planes)
        fixed (float* scale = activationScale)
        fixed (int* zero = zeroPoint)
        fixed (float* b = bias)
        fixed (float* y = &output.DangerousGetReference())
        {
            MultiplyCore(a, tokens, bits, weights, scale, zero, b, y, GemmValidation.Stride(output), threads);
        }
    }

    /// <summary>Σ_k q_k of every token: Σ_b 2^b · popcount(plane b).</summary>
    private protected static unsafe void CodeSums(ulong* planes, int tokens, int bits, int k, Span<long> sums)
    {
        int stride = BinaryLayout.RowStrideWords(k), words = BinaryLayout.WordsPerRow(k);
        for (int t = 0; t < tokens; t++)
        {
            long sum = 0;
            for (int b = 0; b < bits; b++)
            {
                ulong* plane = planes + ((long)t * bits + b) * stride;
                long count = 0;
                for (int w = 0; w < words; w++) count += BitOperations.PopCount(plane[w]);
                sum += count << b;
            }
            sums[t] = sum;
        }
    }

    /// <summary>Float product on validated, pinned operands.</summary>
    private protected abstract unsafe void MultiplyCore(ulong* planes, int tokens, int bits, PackedBinaryWeights weights,
        float* activationScale, int* zeroPoint, float* bias, float* output, int outputStride, int threads);
}
