using System.Buffers.Binary;

namespace EdgeBert.Format;

/// <summary>
/// The fixed 128-byte header at the start of every <c>.ebm</c> file (layout in docs/format.md).
/// All integers are little-endian.
/// </summary>
internal readonly record struct EbmHeader
{
    internal const int Size = 128;
    internal const uint EndianMarker = 0x01020304u;

    /// <summary>Structural format version this code writes and reads.</summary>
    internal const ushort CurrentFormatVersion = 1;

    /// <summary>Kernel packing version (bit order, strides) this code writes and reads.</summary>
    internal const ushort CurrentPackingVersion = 1;

    /// <summary>"\x89EBM\r\n\x1a\n": a non-ASCII first byte and CR/LF/EOF bytes catch text-mode transfers, as PNG does.</summary>
    internal static ReadOnlySpan<byte> Magic => [0x89, (byte)'E', (byte)'B', (byte)'M', 0x0D, 0x0A, 0x1A, 0x0A];

    internal ushort FormatVersion { get; init; }
    internal ushort PackingVersion { get; init; }
    internal uint TensorCount { get; init; }
    internal ulong MetadataOffset { get; init; }
    internal ulong MetadataLength { get; init; }
    internal ulong VocabularyOffset { get; init; }
    internal ulong VocabularyLength { get; init; }
    internal ulong DirectoryOffset { get; init; }
    internal ulong DirectoryLength { get; init; }
    internal ulong DataOffset { get; init; }
    internal ulong DataLength { get; init; }
    internal uint MetadataCrc { get; init; }
    internal uint VocabularyCrc { get; init; }
    internal uint DirectoryCrc { get; init; }

    internal void Write(Span<byte> h)
    {
        h[..Size].Clear();
        Magic.CopyTo(h);
        BinaryPrimitives.WriteUInt32LittleEndian(h[8..], EndianMarker);
        BinaryPrimitives.WriteUInt16LittleEndian(h[12..], FormatVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(h[14..], PackingVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(h[16..], Size);
        BinaryPrimitives.WriteUInt32LittleEndian(h[20..], TensorCount);
        BinaryPrimitives.WriteUInt64LittleEndian(h[24..], MetadataOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(h[32..], MetadataLength);
        BinaryPrimitives.WriteUInt64LittleEndian(h[40..], VocabularyOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(h[48..], VocabularyLength);
        BinaryPrimitives.WriteUInt64LittleEndian(h[56..], DirectoryOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(h[64..], DirectoryLength);
        BinaryPrimitives.WriteUInt64LittleEndian(h[72..], DataOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(h[80..], DataLength);
        BinaryPrimitives.WriteUInt32LittleEndian(h[88..], MetadataCrc);
        BinaryPrimitives.WriteUInt32LittleEndian(h[92..], VocabularyCrc);
        BinaryPrimitives.WriteUInt32LittleEndian(h[96..], DirectoryCrc);
        BinaryPrimitives.WriteUInt32LittleEndian(h[124..], Crc32C.Compute(h[..124]));
    }

    /// <summary>Parses and checks the header itself; section bounds are checked by the reader.</summary>
    internal static EbmHeader Read(ReadOnlySpan<byte> file, string source)
    {
        if (file.Length < Size)
        {
            throw new ModelFormatException(source,
                $"file is {file.Length} bytes, shorter than the {Size}-byte header; it is truncated or not an .ebm model", "header");
        }
        var h = file[..Size];
        if (!h[..8].SequenceEqual(Magic))
        {
            throw new ModelFormatException(source,
                $"bad magic {Convert.ToHexString(h[..8])}, expected {Convert.ToHexString(Magic)}; not an .ebm model (or damaged by a text-mode transfer)",
                "header, byte 0");
        }
        uint marker = BinaryPrimitives.ReadUInt32LittleEndian(h[8..]);
        if (marker != EndianMarker)
        {
            string what = marker == BinaryPrimitives.ReverseEndianness(EndianMarker)
                ? "the file is big-endian; only little-endian .ebm files are supported"
                : $"bad endianness marker 0x{marker:X8}, expected 0x{EndianMarker:X8}";
            throw new ModelFormatException(source, what, "header, byte 8");
        }
        ushort format = BinaryPrimitives.ReadUInt16LittleEndian(h[12..]);
        if (format != CurrentFormatVersion)
        {
            throw new ModelFormatException(source,
                $"format version {format} found; this reader supports format version {CurrentFormatVersion}" +
                (format > CurrentFormatVersion ? " (the file is newer: update edgebert)" : ""),
                "header, byte 12");
        }
        ushort packing = BinaryPrimitives.ReadUInt16LittleEndian(h[14..]);
        if (packing != CurrentPackingVersion)
        {
            throw new ModelFormatException(source,
                $"packing version {packing} found; this reader supports packing version {CurrentPackingVersion}" +
                (packing > CurrentPackingVersion ? " (the file is newer: update edgebert)" : " (re-export the model)"),
                "header, byte 14");
        }
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(h[124..]);
        uint actual = Crc32C.Compute(h[..124]);
        if (stored != actual)
        {
            throw new ModelFormatException(source,
                $"header checksum mismatch: stored 0x{stored:X8}, computed 0x{actual:X8}; the file is corrupt", "header, byte 124");
        }
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(h[16..]);
        if (size != Size)
        {
            throw new ModelFormatException(source, $"header size {size}, expected {Size}", "header, byte 16");
        }
        if (h[100..124].ContainsAnyExcept((byte)0))
        {
            throw new ModelFormatException(source, "reserved header bytes are not zero", "header, bytes 100-123");
        }
        return new EbmHeader
        {
            FormatVersion = format,
            PackingVersion = packing,
            TensorCount = BinaryPrimitives.ReadUInt32LittleEndian(h[20..]),
            MetadataOffset = BinaryPrimitives.ReadUInt64LittleEndian(h[24..]),
            MetadataLength = BinaryPrimitives.ReadUInt64LittleEndian(h[32..]),
            VocabularyOffset = BinaryPrimitives.ReadUInt64LittleEndian(h[40..]),
            VocabularyLength = BinaryPrimitives.ReadUInt64LittleEndian(h[48..]),
            DirectoryOffset = BinaryPrimitives.ReadUInt64LittleEndian(h[56..]),
            DirectoryLength = BinaryPrimitives.ReadUInt64LittleEndian(h[64..]),
            DataOffset = BinaryPrimitives.ReadUInt64LittleEndian(h[72..]),
            DataLength = BinaryPrimitives.ReadUInt64LittleEndian(h[80..]),
            MetadataCrc = BinaryPrimitives.ReadUInt32LittleEndian(h[88..]),
            VocabularyCrc = BinaryPrimitives.ReadUInt32LittleEndian(h[92..]),
            DirectoryCrc = BinaryPrimitives.ReadUInt32LittleEndian(h[96..]),
        };
    }
}
