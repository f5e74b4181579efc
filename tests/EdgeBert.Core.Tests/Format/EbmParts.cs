using System.Buffers.Binary;
using EdgeBert.Format;

namespace EdgeBert.Core.Tests.Format;

/// <summary>
/// A file taken apart into metadata, vocabulary, directory entries and data, so tests can
/// change one thing and reassemble a well-sealed (checksums recomputed) but defective file.
/// </summary>
internal sealed class EbmParts
{
    internal required byte[] Metadata { get; set; }
    internal required byte[] Vocabulary { get; set; }
    internal required List<EbmDirectoryEntry> Entries { get; set; }
    internal required byte[] Data { get; set; }
    internal ushort FormatVersion { get; set; } = 1;
    internal ushort PackingVersion { get; set; } = 1;
    internal uint? TensorCount { get; set; }

    /// <summary>Header field offsets (docs/format.md).</summary>
    internal const int MetadataOffsetField = 24, DataOffsetField = 72;

    internal static EbmParts FromValid(byte[] file)
    {
        using var ebm = EbmFile.Load(file);
        var h = file.AsSpan();
        long Field(int at) => (long)BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(at));
        long dataOffset = Field(DataOffsetField);
        return new EbmParts
        {
            Metadata = h.Slice((int)Field(24), (int)Field(32)).ToArray(),
            Vocabulary = h.Slice((int)Field(40), (int)Field(48)).ToArray(),
            Data = h[(int)dataOffset..].ToArray(),
            Entries = ebm.Tensors.Select(t => new EbmDirectoryEntry
            {
                Name = System.Text.Encoding.UTF8.GetBytes(t.Name),
                DType = (byte)t.DType,
                ScaleKind = (byte)t.ScaleKind,
                Dims = t.Shape.Select(d => (ulong)d).ToArray(),
                Offset = (ulong)(t.FileOffset - dataOffset),
                Length = (ulong)t.Length,
                Checksum = t.Checksum,
                Scales = t.Scales.ToArray(),
            }).ToList(),
        };
    }

    private static (byte[] File, EbmParts Parts)? s_cache;

    /// <summary>A fresh deep copy of the parts of <paramref name="file"/> (parsed once).</summary>
    internal static EbmParts FromValidCached(byte[] file)
    {
        if (s_cache is not { } c || !ReferenceEquals(c.File, file)) s_cache = c = (file, FromValid(file));
        var p = c.Parts;
        return new EbmParts
        {
            Metadata = (byte[])p.Metadata.Clone(),
            Vocabulary = (byte[])p.Vocabulary.Clone(),
            Data = (byte[])p.Data.Clone(),
            Entries = p.Entries.Select(e => e with { Name = (byte[])e.Name.Clone(), Dims = (ulong[])e.Dims.Clone(), Scales = (float[])e.Scales.Clone() }).ToList(),
        };
    }

    /// <summary>Recomputes each entry's data checksum where its range lies inside the data.</summary>
    internal void ResealData()
    {
        for (int i = 0; i < Entries.Count; i++)
        {
            var e = Entries[i];
            if (e.Offset <= (ulong)Data.Length && e.Length <= (ulong)Data.Length - e.Offset)
            {
                Entries[i] = e with { Checksum = Crc32C.Compute(Data.AsSpan((int)e.Offset, (int)e.Length)) };
            }
        }
    }

    internal byte[] Build()
    {
        using var stream = new MemoryStream();
        EbmAssembler.Write(stream, Metadata, Vocabulary, Entries, Data.Length, s => s.Write(Data),
            FormatVersion, PackingVersion, TensorCount);
        return stream.ToArray();
    }

    /// <summary>
    /// Recomputes the header and section checksums of <paramref name="file"/> in place where the
    /// header's offsets still point inside it, so a mutation is judged by the structural checks.
    /// </summary>
    internal static void ResealSections(byte[] file)
    {
        if (file.Length < 128) return;
        var h = file.AsSpan();
        for (int field = 0; field < 3; field++)
        {
            ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(h[(24 + 16 * field)..]);
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(h[(32 + 16 * field)..]);
            if (offset <= (ulong)file.Length && length <= (ulong)file.Length - offset)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(h[(88 + 4 * field)..], Crc32C.Compute(h.Slice((int)offset, (int)length)));
            }
        }
        BinaryPrimitives.WriteUInt32LittleEndian(h[124..], Crc32C.Compute(h[..124]));
    }
}
