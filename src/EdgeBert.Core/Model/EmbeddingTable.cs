using EdgeBert.Format;
using EdgeBert.Kernels.Packing;

namespace EdgeBert.Encoder;

/// <summary>
/// The word embedding as stored: f32, or ternary/binary rows with α (per row or per tensor)
/// expanded one row at a time on lookup, so a binary vocabulary stays 1 bit per value in memory.
/// </summary>
internal sealed class EmbeddingTable
{
    private readonly float[]? _floats;
    private readonly ulong[]? _sign;
    private readonly ulong[]? _nonzero;
    private readonly float[] _alpha = [];

    private EmbeddingTable(EbmDType dtype, int rows, int width, float[]? floats, ulong[]? sign, ulong[]? nonzero, float[] alpha)
    {
        DType = dtype;
        Rows = rows;
        Width = width;
        _floats = floats;
        _sign = sign;
        _nonzero = nonzero;
        _alpha = alpha;
    }

    public EbmDType DType { get; }

    public int Rows { get; }

    public int Width { get; }

    public static EmbeddingTable FromFile(EbmFile file, EbmTensorInfo info)
    {
        int rows = info.Rows, width = info.Columns;
        float[] alpha = info.Scales.Length == 1 ? Enumerable.Repeat(info.Scales[0], rows).ToArray() : info.Scales.ToArray();
        return info.DType switch
        {
            EbmDType.F32 => new EmbeddingTable(info.DType, rows, width, file.GetF32(info.Name).ToArray(), null, null, []),
            EbmDType.Binary => new EmbeddingTable(info.DType, rows, width, null, file.GetBinary(info.Name).ToArray(), null, alpha),
            EbmDType.Ternary => Ternary(file, info, rows, width, alpha),
            _ => throw new InvalidOperationException($"{info.Name}: dtype {info.DType} was not rejected at load"),
        };
    }

    private static EmbeddingTable Ternary(EbmFile file, EbmTensorInfo info, int rows, int width, float[] alpha)
    {
        var planes = file.GetTernary(info.Name);
        return new EmbeddingTable(info.DType, rows, width, null, planes.Sign.ToArray(), planes.Nonzero.ToArray(), alpha);
    }

    /// <summary>Adds row <paramref name="id"/> (its float values) to <paramref name="destination"/>.</summary>
    public void AddRow(int id, Span<float> destination)
    {
        if ((uint)id >= (uint)Rows) throw new ArgumentOutOfRangeException(nameof(id), $"Token id {id} is outside the vocabulary of {Rows}.");
        if (_floats is not null)
        {
            System.Numerics.Tensors.TensorPrimitives.Add(destination, _floats.AsSpan(id * Width, Width), destination);
            return;
        }
        int stride = BinaryLayout.RowStrideWords(Width);
        ReadOnlySpan<ulong> sign = _sign.AsSpan(id * stride, stride);
        ReadOnlySpan<ulong> nonzero = _nonzero is null ? default : _nonzero.AsSpan(id * stride, stride);
        float alpha = _alpha[id];
        for (int k = 0; k < Width; k++)
        {
            bool negative = (sign[k >> 6] >> (k & 63) & 1) != 0;
            if (!nonzero.IsEmpty && (nonzero[k >> 6] >> (k & 63) & 1) == 0) continue;
            destination[k] += negative ? -alpha : alpha;
        }
    }
}
