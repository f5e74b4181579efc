using CommunityToolkit.HighPerformance;
using EdgeBert.Kernels.Binary;
using EdgeBert.Kernels.Elementwise;
using EdgeBert.Kernels.Packing;
using EdgeBert.Runtime;

namespace EdgeBert.Encoder;

/// <summary>
/// W1A4 and W1A1: binary weights packed once at load. A1 packs sign(x) (bit 1 = negative) and
/// runs xnor-popcount; A4 runs the bit-serial kernel on unsigned 4-bit codes with a per-token
/// zero point. (W1A8 runs on the integer GEMM: <see cref="IntegerLinear{TWeights}"/>.)
/// </summary>
internal sealed class BinaryLinear : QuantizedLinear
{
    private readonly float[] _bias;
    private readonly BinaryGemm _binary;
    private readonly BitSerialGemm _bitSerial;
    private readonly SignThresholds? _thresholds;
    private readonly SignThresholds? _geluThresholds;

    private readonly StaticActivation? _static;

    public BinaryLinear(string name, LinearScheme scheme, PackedBinaryWeights weights, float[] bias, BinaryGemm binary, BitSerialGemm bitSerial,
        StaticActivation? staticActivation = null)
        : base(name, scheme, weights.N, weights.K)
    {
        if (staticActivation is not null && scheme != LinearScheme.W1A4)
        {
            throw new ArgumentException($"{name}: a static activation step is only used by w1a4, not {LinearSchemes.Name(scheme)}.", nameof(staticActivation));
        }
        _static = staticActivation;
        Weights = weights;
        _bias = bias;
        _binary = binary;
        _bitSerial = bitSerial;
        // Made at load so the first call does not allocate and threads never race to make it.
        if (scheme == LinearScheme.W1A1)
        {
            _thresholds = SignThresholds.Create(weights.Alpha, bias, N, K);
            _geluThresholds = SignThresholds.CreateGelu(weights.Alpha, bias, N, K);
        }
    }

    public PackedBinaryWeights Weights { get; }

    /// <summary>Thresholds of the fused sign epilogue: sign(α·dot + b), W1A1 only.</summary>
    public SignThresholds Thresholds => _thresholds ?? throw new InvalidOperationException($"{Name}: fused signs exist only for W1A1.");

    /// <summary>Thresholds of the fused sign-after-GELU epilogue: sign(gelu(α·dot + b)), W1A1 only.</summary>
    public SignThresholds GeluThresholds => _geluThresholds ?? throw new InvalidOperationException($"{Name}: fused signs exist only for W1A1.");

    public override void Forward(ReadOnlySpan<float> x, int tokens, Span<float> y, LinearScratch scratch, int threads)
    {
        ThrowIfBad(x, tokens, y);
        Span2D<float> output = y.Slice(0, tokens * N).AsSpan2D(tokens, N);
        switch (Scheme)
        {
            case LinearScheme.W1A1:
            {
                Span<ulong> signs = scratch.Signs.AsSpan(0, BinaryLayout.MatrixWords(tokens, K));
                SignPacking.Pack(x.Slice(0, tokens * K).AsSpan2D(tokens, K), signs);
                scratch.Profile?.Lap(ForwardStep.Quantize);
                ForwardFromSigns(signs, tokens, y, threads);
                break;
            }
            case LinearScheme.W1A4:
            {
                Span<byte> codes = scratch.UnsignedCodes.AsSpan(0, tokens * K);
                if (_static is { } lsq)
                {
                    // Static LSQ step (BinaryBERT): q = clamp(round(x / s), Qn, Qp), stored as q − Qn.
                    lsq.Quantize(x.Slice(0, tokens * K), codes);
                    scratch.Scales.AsSpan(0, tokens).Fill(lsq.Step);
                    scratch.ZeroPoints.AsSpan(0, tokens).Fill(lsq.ZeroPoint);
                }
                else
                {
                    // Asymmetric min-max codes with a zero point, one scale per token (BitPlanePacking.Quantize).
                    try
                    {
                        for (int m = 0; m < tokens; m++)
                        {
                            BitPlanePacking.Quantize(x.Slice(m * K, K), LinearScratch.PlaneBits, codes.Slice(m * K, K), out scratch.Scales[m], out scratch.ZeroPoints[m]);
                        }
                    }
                    catch (ArgumentException e) when (IsNonFiniteInput(e))
                    {
                        throw InputOverflow(e);
                    }
                }
                MultiplyCodes(codes, tokens, LinearScratch.PlaneBits, output, scratch, threads);
                break;
            }
            default:
                throw new InvalidOperationException($"{Name}: {Scheme} does not run on the popcount kernels.");
        }
    }

    /// <summary>
    /// W1A1 with the fused sign epilogue: packed sign input [tokens, K] to the packed signs of
    /// this layer's output [tokens, N], bit = (α·dot + b &lt; 0), without float outputs.
    /// </summary>
    public void ForwardSigns(ReadOnlySpan<ulong> signs, int tokens, Span<ulong> output, int threads) =>
        _binary.MultiplySigns(signs, tokens, Weights, Thresholds, output, threads);

    /// <summary>
    /// <see cref="ForwardSigns(ReadOnlySpan{ulong}, int, Span{ulong}, int)"/> of three W1A1 linears on one packed sign input (Bi-Attention's
    /// Q, K and V): one kernel call that stages the input once and runs the three as one step
    /// where the kernel can, else three calls; the same bits either way.
    /// </summary>
    public static void ForwardSigns(BinaryLinear first, BinaryLinear second, BinaryLinear third, ReadOnlySpan<ulong> signs, int tokens,
        Span<ulong> firstOutput, Span<ulong> secondOutput, Span<ulong> thirdOutput, int threads)
    {
        if (first._binary != second._binary || first._binary != third._binary)
        {
            first.ForwardSigns(signs, tokens, firstOutput, threads);
            second.ForwardSigns(signs, tokens, secondOutput, threads);
            third.ForwardSigns(signs, tokens, thirdOutput, threads);
            return;
        }
        first._binary.MultiplySigns(signs, tokens,
            new SignProduct(first.Weights, first.Thresholds, firstOutput),
            new SignProduct(second.Weights, second.Thresholds, secondOutput),
            new SignProduct(third.Weights, third.Thresholds, thirdOutput), threads);
    }

    /// <summary>
    /// W1A1 FFN-in with GELU and FFN-out's sign fused: packed sign input [tokens, K] to the
    /// packed signs of gelu(this layer's output) [tokens, N], bit = (gelu(α·dot + b) &lt; 0),
    /// without evaluating GELU or writing floats (<see cref="GeluSign"/>).
    /// </summary>
    public void ForwardGeluSigns(ReadOnlySpan<ulong> signs, int tokens, Span<ulong> output, int threads) =>
        _binary.MultiplySigns(signs, tokens, Weights, GeluThresholds, output, threads);

    /// <summary>W1A1 on an already packed sign input [tokens, K]: float output y [tokens, N].</summary>
    public void ForwardFromSigns(ReadOnlySpan<ulong> signs, int tokens, Span<float> y, int threads)
    {
        if (Scheme != LinearScheme.W1A1) throw new InvalidOperationException($"{Name}: a packed sign input exists only for W1A1.");
        _binary.Multiply(signs, tokens, Weights, default, _bias, y.Slice(0, tokens * N).AsSpan2D(tokens, N), threads);
    }

    private void MultiplyCodes(ReadOnlySpan<byte> codes, int tokens, int bits, Span2D<float> output, LinearScratch scratch, int threads)
    {
        Span<ulong> planes = scratch.Planes.AsSpan(0, BitPlanePacking.MatrixWords(tokens, K, bits));
        BitPlanePacking.Pack(codes.AsSpan2D(tokens, K), bits, planes);
        scratch.Profile?.Lap(ForwardStep.Quantize);
        _bitSerial.Multiply(planes, tokens, bits, Weights, scratch.Scales.AsSpan(0, tokens), scratch.ZeroPoints.AsSpan(0, tokens), _bias, output, threads);
    }
}
