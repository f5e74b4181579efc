using EdgeBert.Kernels.Packing;

namespace EdgeBert.Kernels.Binary;

/// <summary>
/// One product of <see cref="BinaryGemm.MultiplySigns(ReadOnlySpan{ulong}, int, SignProduct, SignProduct, SignProduct, int)"/>:
/// binary weights [N, K], the thresholds of their fused sign epilogue, and the packed sign
/// output [tokens, N] (<see cref="BinaryLayout.RowStrideWords"/>(N) words per row; overwritten).
/// </summary>
public readonly ref struct SignProduct
{
    /// <param name="weights">Packed weights [N, K].</param>
    /// <param name="thresholds">Made for this N and K.</param>
    /// <param name="output">The packed signs of the product's output.</param>
    public SignProduct(PackedBinaryWeights weights, SignThresholds thresholds, Span<ulong> output)
    {
        Weights = weights;
        Thresholds = thresholds;
        Output = output;
    }

    /// <summary>Packed weights [N, K].</summary>
    public PackedBinaryWeights Weights { get; }

    /// <summary>The fused sign epilogue's thresholds (made for the weights' N and K).</summary>
    public SignThresholds Thresholds { get; }

    /// <summary>The packed sign output [tokens, N].</summary>
    public Span<ulong> Output { get; }
}
