namespace EdgeBert.Format;

/// <summary>A validated tensor directory entry: name, dtype, shape, scales and where the data lies.</summary>
public sealed class EbmTensorInfo
{
    private readonly int[] _shape;
    private readonly float[] _scales;

    internal EbmTensorInfo(string name, EbmDType dtype, int[] shape, EbmScaleKind scaleKind, float[] scales,
        long fileOffset, long length, uint checksum)
    {
        Name = name;
        DType = dtype;
        _shape = shape;
        ScaleKind = scaleKind;
        _scales = scales;
        FileOffset = fileOffset;
        Length = length;
        Checksum = checksum;
    }

    /// <summary>Unique tensor name, e.g. <c>layer.0.attention.query.weight</c>.</summary>
    public string Name { get; }

    /// <summary>Storage type.</summary>
    public EbmDType DType { get; }

    /// <summary>Logical shape (for packed types [N, K], K unpadded).</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>Number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>N: the first dimension.</summary>
    public int Rows => _shape[0];

    /// <summary>K: the last dimension (equals <see cref="Rows"/> for rank 1).</summary>
    public int Columns => _shape[^1];

    /// <summary>Number of logical values (product of the shape).</summary>
    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (int d in _shape) n *= d;
            return n;
        }
    }

    /// <summary>Granularity of <see cref="Scales"/>.</summary>
    public EbmScaleKind ScaleKind { get; }

    /// <summary>Scales (alpha): none, one per tensor, or one per row.</summary>
    public ReadOnlySpan<float> Scales => _scales;

    /// <summary>Absolute byte offset of the data in the file (a multiple of 64).</summary>
    public long FileOffset { get; }

    /// <summary>Stored byte length, padding included.</summary>
    public long Length { get; }

    /// <summary>CRC-32C of the stored bytes.</summary>
    public uint Checksum { get; }

    /// <summary>Stored bits per logical value (padding included, scales excluded).</summary>
    public double BitsPerValue => Length * 8.0 / ElementCount;

    /// <summary>A readable summary, e.g. <c>layer.0.ffn.in.weight binary [128, 64]</c>.</summary>
    public override string ToString() => $"{Name} {DType.ToString().ToLowerInvariant()} [{string.Join(", ", _shape)}]";
}
