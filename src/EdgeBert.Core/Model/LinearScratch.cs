using EdgeBert.Kernels.Packing;
using EdgeBert.Runtime;

namespace EdgeBert.Encoder;

/// <summary>
/// Per-session buffers the quantized linears stage their activations in (codes, scales, bit
/// planes). Sized once for the longest sequence and widest input, so no call allocates.
/// </summary>
internal sealed class LinearScratch
{
    /// <summary>Bit planes the bit-serial path needs: A4 is its only user (W1A8 runs on the integer GEMM).</summary>
    public const int PlaneBits = 4;

    public LinearScratch(int maxTokens, int maxWidth)
    {
        MaxTokens = maxTokens;
        MaxWidth = maxWidth;
        Codes = new sbyte[(long)maxTokens * maxWidth];
        UnsignedCodes = new byte[(long)maxTokens * maxWidth];
        Scales = new float[maxTokens];
        ZeroPoints = new int[maxTokens];
        Planes = new ulong[BitPlanePacking.MatrixWords(maxTokens, maxWidth, PlaneBits)];
        Signs = new ulong[BinaryLayout.MatrixWords(maxTokens, maxWidth)];
    }

    public int MaxTokens { get; }

    /// <summary>The profile of the forward in progress, if one is recorded: linears charge their input quantization to it.</summary>
    public ForwardProfile? Profile { get; set; }

    public int MaxWidth { get; }

    /// <summary>Signed A8 codes, [tokens, K] row-major.</summary>
    public sbyte[] Codes { get; }

    /// <summary>Unsigned A4 codes for the bit-serial kernel.</summary>
    public byte[] UnsignedCodes { get; }

    /// <summary>Per-token activation scales.</summary>
    public float[] Scales { get; }

    /// <summary>Per-token zero points.</summary>
    public int[] ZeroPoints { get; }

    /// <summary>Bit planes of unsigned codes.</summary>
    public ulong[] Planes { get; }

    /// <summary>Packed sign activations.</summary>
    public ulong[] Signs { get; }

    private float[]? _split;

    /// <summary>
    /// The second half's output of a <see cref="SplitLinear"/>, [tokens, N]: made on the first
    /// call of a model that has split linears (later calls reuse it), never for other models.
    /// </summary>
    public Span<float> SplitOutput(int count)
    {
        _split ??= new float[(long)MaxTokens * MaxWidth];
        return _split.AsSpan(0, count);
    }
}
