
namespace EdgeBert.Format;

/// <summary>
/// Lays out and writes a whole file from already-encoded parts, computing section offsets and
/// checksums. It checks nothing about the content: <see cref="EbmWriter"/> validates, and tests
/// use this directly to produce defective but well-sealed files.
/// </summary>
internal static class EbmAssembler
{
    /// <param name="output">Destination; written sequentially.</param>
    /// <param name="metadata">UTF-8 JSON.</param>
    /// <param name="vocabulary">UTF-8 tokens, each followed by '\n'.</param>
    /// <param name="entries">Directory entries (offsets relative to the data section).</param>
    /// <param name="dataLength">Exact byte count <paramref name="writeData"/> writes.</param>
    /// <param name="writeData">Writes the data section.</param>
    /// <param name="formatVersion">Structural version to stamp (tests stamp others).</param>
    /// <param name="packingVersion">Packing version to stamp.</param>
    /// <param name="tensorCount">Tensor count to stamp; defaults to the entry count.</param>
    internal static void Write(
        Stream output, byte[] metadata, byte[] vocabulary, IReadOnlyList<EbmDirectoryEntry> entries,
        long dataLength, Action<Stream> writeData,
        ushort formatVersion = EbmHeader.CurrentFormatVersion,
        ushort packingVersion = EbmHeader.CurrentPackingVersion,
        uint? tensorCount = null)
    {
        byte[] directory = EbmDirectoryEntry.EncodeAll(entries);
        long metadataOffset = EbmHeader.Size;
        long vocabularyOffset = EbmLayout.RoundUp(metadataOffset + metadata.Length, 8);
        long directoryOffset = EbmLayout.RoundUp(vocabularyOffset + vocabulary.Length, 8);
        long dataOffset = EbmLayout.RoundUp(directoryOffset + directory.Length, EbmLayout.Alignment);
        var header = new EbmHeader
        {
            FormatVersion = formatVersion,
            PackingVersion = packingVersion,
            TensorCount = tensorCount ?? (uint)entries.Count,
            MetadataOffset = (ulong)metadataOffset,
            MetadataLength = (ulong)metadata.Length,
            VocabularyOffset = (ulong)vocabularyOffset,
            VocabularyLength = (ulong)vocabulary.Length,
            DirectoryOffset = (ulong)directoryOffset,
            DirectoryLength = (ulong)directory.Length,
            DataOffset = (ulong)dataOffset,
            DataLength = (ulong)dataLength,
            MetadataCrc = Crc32C.Compute(metadata),
            VocabularyCrc = Crc32C.Compute(vocabulary),
            DirectoryCrc = Crc32C.Compute(directory),
        };
        var headerBytes = new byte[EbmHeader.Size];
        header.Write(headerBytes);

        long position = 0;
        void Put(ReadOnlySpan<byte> bytes)
        {
            output.Write(bytes);
            position += bytes.Length;
        }
        void PadTo(long offset)
        {
            Span<byte> zeros = stackalloc byte[EbmLayout.Alignment];
            zeros.Clear();
            while (position < offset) Put(zeros[..(int)Math.Min(zeros.Length, offset - position)]);
        }

        Put(headerBytes);
        PadTo(metadataOffset);
        Put(metadata);
        PadTo(vocabularyOffset);
        Put(vocabulary);
        PadTo(directoryOffset);
        Put(directory);
        PadTo(dataOffset);
        writeData(output);
    }
}
