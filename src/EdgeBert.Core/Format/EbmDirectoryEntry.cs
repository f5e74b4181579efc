using System.Buffers.Binary;

namespace EdgeBert.Format;

/// <summary>
/// One tensor directory entry exactly as stored, without validation: the writer encodes
/// these, and tests use them to build deliberately defective files.
/// </summary>
internal sealed record EbmDirectoryEntry
{
    /// <summary>Bytes of the fixed part: name length, dtype, scale kind, rank, reserved, offset, length, crc, scale count.</summary>
    internal const int FixedSize = 32;

    /// <summary>Longest tensor name in UTF-8 bytes.</summary>
    internal const int MaxNameBytes = 256;

    internal required byte[] Name { get; init; }
    internal required byte DType { get; init; }
    internal required byte ScaleKind { get; init; }
    internal required ulong[] Dims { get; init; }
    internal required ulong Offset { get; init; }
    internal required ulong Length { get; init; }
    internal required uint Checksum { get; init; }
    internal required float[] Scales { get; init; }

    /// <summary>Stored rank; normally <c>Dims.Length</c>, overridable to build bad files.</summary>
    internal byte? RankOverride { get; init; }

    internal int EncodedSize => FixedSize + 8 * Dims.Length + Pad8(Name.Length) + Pad8(4 * Scales.Length);

    internal static int Pad8(int n) => (n + 7) & ~7;

    /// <summary>Writes the entry (8-byte aligned parts, zero padding) and returns the bytes used.</summary>
    internal int Encode(Span<byte> output)
    {
        var e = output[..EncodedSize];
        e.Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(e, checked((ushort)Name.Length));
        e[2] = DType;
        e[3] = ScaleKind;
        e[4] = RankOverride ?? checked((byte)Dims.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(e[8..], Offset);
        BinaryPrimitives.WriteUInt64LittleEndian(e[16..], Length);
        BinaryPrimitives.WriteUInt32LittleEndian(e[24..], Checksum);
        BinaryPrimitives.WriteUInt32LittleEndian(e[28..], checked((uint)Scales.Length));
        int at = FixedSize;
        foreach (ulong d in Dims)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(e[at..], d);
            at += 8;
        }
        Name.CopyTo(e[at..]);
        at += Pad8(Name.Length);
        foreach (float s in Scales)
        {
            BinaryPrimitives.WriteSingleLittleEndian(e[at..], s);
            at += 4;
        }
        return EncodedSize;
    }

    internal static byte[] EncodeAll(IReadOnlyList<EbmDirectoryEntry> entries)
    {
        var bytes = new byte[entries.Sum(e => (long)e.EncodedSize)];
        int at = 0;
        foreach (var entry in entries) at += entry.Encode(bytes.AsSpan(at));
        return bytes;
    }
}
