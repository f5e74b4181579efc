using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using EdgeBert.Format;
using EdgeBert.Kernels.Packing;

namespace EdgeBert.Encoder;

/// <summary>
/// The word embedding, read in place from the memory-mapped file (it is the largest tensor of a
/// small model and needs no packing): f32 rows as stored, or ternary/binary rows expanded to
/// α·{−1, 0, +1} one row at a time on lookup.
/// </summary>
internal sealed class EmbeddingTable(EbmFile file, EbmTensorInfo info)
{
    private readonly float[] _alpha = info.DType == EbmDType.F32 ? []
        : info.Scales.Length == 1 ? Enumerable.Repeat(info.Scales[0], info.Rows).ToArray() : info.Scales.ToArray();

    public int Rows { get; } = info.Rows;

    public int Width { get; } = info.Columns;

    /// <summary>Adds row <paramref name="id"/> (its float values) to <paramref name="destination"/>.</summary>
    public void AddRow(int id, Span<float> destination)
    {
        if ((uint)id >= (uint)Rows) throw new ArgumentOutOfRangeException(nameof(id), $"Token id {id} is outside the vocabulary of {Rows}.");
        ReadOnlySpan<byte> bytes = file.GetBytes(info);
        if (info.DType == EbmDType.F32)
        {
            TensorPrimitives.Add(destination, MemoryMarshal.Cast<byte, float>(bytes).Slice(id * Width, Width), destination);
            return;
        }
        int stride = BinaryLayout.RowStrideWords(Width);
        ReadOnlySpan<ulong> words = MemoryMarshal.Cast<byte, ulong>(bytes);
        ReadOnlySpan<ulong> sign = words.Slice(id * stride, stride);
        // Ternary: plane 1 (nonzero) follows plane 0 (sign), Rows × stride words each.
        ReadOnlySpan<ulong> nonzero = info.DType == EbmDType.Ternary ? words.Slice((Rows + id) * stride, stride) : default;
        PackedRowExpansion.AddScaled(sign, nonzero, _alpha[id], destination.Slice(0, Width));
    }
}
