namespace EdgeBert.Format;

/// <summary>
/// The canonical tensor layouts of the <c>.ebm</c> format (docs/format.md): row strides, byte
/// lengths and the alignment rules the writer, the reader and the kernel packing share.
/// </summary>
public static class EbmLayout
{
    /// <summary>Alignment of every tensor's data in the file, and of a packed row: one cache line / ZMM register.</summary>
    public const int Alignment = 64;

    /// <summary>Bits per packed word of <see cref="EbmDType.Binary"/> and <see cref="EbmDType.Ternary"/>.</summary>
    public const int BitsPerWord = 64;

    /// <summary>Largest dimension or tensor byte length the format accepts (spans are int-indexed).</summary>
    public const long MaxTensorBytes = int.MaxValue;

    /// <summary>Largest rank a tensor may have.</summary>
    public const int MaxRank = 4;

    /// <summary>
    /// 64-bit words per row of a binary plane with <paramref name="columns"/> (K) values:
    /// ceil(K / 64), the kernels' canonical layout (<see cref="Kernels.Packing.BinaryLayout"/>).
    /// </summary>
    public static int PackedRowWords(int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        return Kernels.Packing.BinaryLayout.RowStrideWords(columns);
    }

    /// <summary>Bytes per row of an <see cref="EbmDType.I8"/> tensor: K rounded up to 64.</summary>
    public static int I8RowStride(int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        return checked((int)RoundUp(columns, Alignment));
    }

    /// <summary>
    /// Number of stored bytes for a tensor of <paramref name="dtype"/> and
    /// <paramref name="shape"/>, or -1 when the shape is not valid for the dtype or the size
    /// exceeds <see cref="MaxTensorBytes"/>. Never overflows.
    /// </summary>
    public static long ByteLength(EbmDType dtype, ReadOnlySpan<int> shape)
    {
        if (shape.Length is < 1 or > MaxRank) return -1;
        foreach (int d in shape)
        {
            if (d < 1) return -1;
        }
        UInt128 bytes;
        switch (dtype)
        {
            case EbmDType.F32:
            case EbmDType.F16:
                bytes = dtype == EbmDType.F32 ? 4u : 2u;
                foreach (int d in shape) bytes *= (uint)d; // at most 4 × 31 bits + 2: fits UInt128
                break;
            case EbmDType.I8:
                if (shape.Length != 2) return -1;
                bytes = (UInt128)(uint)shape[0] * (ulong)RoundUp(shape[1], Alignment);
                break;
            case EbmDType.Binary:
            case EbmDType.Ternary:
                if (shape.Length != 2) return -1;
                long words = ((long)shape[1] + BitsPerWord - 1) / BitsPerWord;
                bytes = (UInt128)(uint)shape[0] * (ulong)words * 8u * (dtype == EbmDType.Ternary ? 2u : 1u);
                break;
            default:
                return -1;
        }
        return bytes > (UInt128)MaxTensorBytes ? -1 : (long)bytes;
    }

    /// <summary>Which scale kinds a dtype may carry.</summary>
    public static bool IsScaleKindAllowed(EbmDType dtype, EbmScaleKind kind) => dtype switch
    {
        EbmDType.F32 or EbmDType.F16 => kind == EbmScaleKind.None,
        EbmDType.I8 => kind == EbmScaleKind.PerRow,
        EbmDType.Binary or EbmDType.Ternary => kind is EbmScaleKind.PerTensor or EbmScaleKind.PerRow,
        _ => false,
    };

    /// <summary>Number of scales a tensor of this kind and row count carries.</summary>
    public static int ScaleCount(EbmScaleKind kind, int rows) => kind switch
    {
        EbmScaleKind.None => 0,
        EbmScaleKind.PerTensor => 1,
        EbmScaleKind.PerRow => rows,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown scale kind"),
    };

    /// <summary>Bits of storage per logical weight (packing padding included, scales excluded).</summary>
    public static double BitsPerWeight(EbmDType dtype, ReadOnlySpan<int> shape)
    {
        long bytes = ByteLength(dtype, shape);
        if (bytes < 0) return double.NaN;
        // A valid shape stores at least one bit per value, so the count fits in a long.
        long count = 1;
        foreach (int d in shape) count *= d;
        return bytes * 8.0 / count;
    }

    internal static long RoundUp(long value, long multiple) => (value + multiple - 1) / multiple * multiple;
}
