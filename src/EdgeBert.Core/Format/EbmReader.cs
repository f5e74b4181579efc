using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using EdgeBert.Kernels;
using EdgeBert.Kernels.Elementwise;

namespace EdgeBert.Format;

/// <summary>What the reader extracted from a file after validating all of it.</summary>
internal sealed record EbmContents(
    EbmHeader Header, EbmMetadata Metadata, IReadOnlyList<string> Vocabulary,
    IReadOnlyList<EbmTensorInfo> Tensors, Dictionary<string, EbmTensorInfo> ByName);

/// <summary>
/// Parses and validates an <c>.ebm</c> model. Every offset, length and count is checked against
/// the file size in 64-bit unsigned arithmetic that cannot overflow before any byte it names is
/// read, and counts are capped by the bytes present before anything is allocated.
/// </summary>
internal static class EbmReader
{
    internal const int MaxMetadataBytes = 16 << 20;
    internal const int MaxVocabularyBytes = 256 << 20;

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    internal static EbmContents Read(EbmStorage storage, string source, bool verifyChecksums)
    {
        long fileLength = storage.Length;
        var header = EbmHeader.Read(storage.Slice(0, (int)Math.Min(fileLength, EbmHeader.Size)), source);

        // Sections follow each other in this order and never overlap; the data section ends the file.
        ulong end = EbmHeader.Size;
        CheckSection(source, "metadata", header.MetadataOffset, header.MetadataLength, ref end, 8, MaxMetadataBytes, fileLength, 24);
        CheckSection(source, "vocabulary", header.VocabularyOffset, header.VocabularyLength, ref end, 8, MaxVocabularyBytes, fileLength, 40);
        CheckSection(source, "tensor directory", header.DirectoryOffset, header.DirectoryLength, ref end, 8, int.MaxValue, fileLength, 56);
        CheckSection(source, "data", header.DataOffset, header.DataLength, ref end, EbmLayout.Alignment, long.MaxValue, fileLength, 72);
        if (end != (ulong)fileLength)
        {
            throw new ModelFormatException(source,
                $"the data section ends at byte {end} but the file has {fileLength} bytes; it was extended or damaged", "header, byte 80");
        }

        var metadataBytes = storage.Slice((long)header.MetadataOffset, (int)header.MetadataLength);
        var vocabularyBytes = storage.Slice((long)header.VocabularyOffset, (int)header.VocabularyLength);
        var directoryBytes = storage.Slice((long)header.DirectoryOffset, (int)header.DirectoryLength);
        CheckCrc(source, "metadata section", metadataBytes, header.MetadataCrc, header.MetadataOffset);
        CheckCrc(source, "vocabulary section", vocabularyBytes, header.VocabularyCrc, header.VocabularyOffset);
        CheckCrc(source, "tensor directory", directoryBytes, header.DirectoryCrc, header.DirectoryOffset);

        var metadata = ParseMetadata(source, metadataBytes, header.MetadataOffset);
        var vocabulary = ParseVocabulary(source, vocabularyBytes, header.VocabularyOffset);
        EbmMetadataValidator.Validate(metadata, vocabulary, source);

        var tensors = ParseDirectory(source, header, directoryBytes, metadata);
        var byName = new Dictionary<string, EbmTensorInfo>(tensors.Count, StringComparer.Ordinal);
        foreach (var t in tensors) byName.Add(t.Name, t);
        if (verifyChecksums) VerifyTensors(storage, source, tensors);
        return new EbmContents(header, metadata, vocabulary, tensors, byName);
    }

    /// <summary>Every tensor's checksum and packing invariants, in directory order (the first failure throws).</summary>
    internal static void VerifyTensors(EbmStorage storage, string source, IReadOnlyList<EbmTensorInfo> tensors)
    {
        foreach (var t in tensors) VerifyData(source, t, storage.Slice(t.FileOffset, (int)t.Length));
    }

    private static void CheckSection(string source, string name, ulong offset, ulong length, ref ulong previousEnd,
        int alignment, long maxLength, long fileLength, int headerField)
    {
        string where = $"header, byte {headerField}";
        if (offset < previousEnd)
        {
            throw new ModelFormatException(source,
                $"{name} section starts at byte {offset}, before the end of the previous part at byte {previousEnd}", where);
        }
        if (offset % (ulong)alignment != 0)
        {
            throw new ModelFormatException(source, $"{name} section offset {offset} is not a multiple of {alignment}", where);
        }
        if (length > (ulong)maxLength)
        {
            throw new ModelFormatException(source, $"{name} section length {length} exceeds the limit of {maxLength} bytes", where);
        }
        // offset + length <= fileLength, written so that it cannot wrap.
        if (offset > (ulong)fileLength || length > (ulong)fileLength - offset)
        {
            throw new ModelFormatException(source,
                $"{name} section [{offset}, +{length}) runs past the end of the file ({fileLength} bytes); the file is truncated or corrupt", where);
        }
        previousEnd = offset + length;
    }

    private static void CheckCrc(string source, string name, ReadOnlySpan<byte> bytes, uint stored, ulong offset)
    {
        uint actual = Crc32C.Compute(bytes);
        if (actual != stored)
        {
            throw new ModelFormatException(source,
                $"{name} checksum mismatch: stored 0x{stored:X8}, computed 0x{actual:X8}; the file is corrupt", $"byte {offset}");
        }
    }

    private static EbmMetadata ParseMetadata(string source, ReadOnlySpan<byte> json, ulong offset)
    {
        EbmMetadata? metadata;
        try
        {
            metadata = JsonSerializer.Deserialize(json, EbmJsonContext.Default.EbmMetadata);
        }
        catch (JsonException ex)
        {
            throw new ModelFormatException(source, $"metadata JSON is malformed or inconsistent: {ex.Message}",
                $"metadata section (byte {offset}), JSON line {(ex.LineNumber ?? 0) + 1}, byte {ex.BytePositionInLine ?? 0}", ex);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or NotSupportedException or FormatException or OverflowException)
        {
            throw new ModelFormatException(source, $"metadata JSON is invalid: {ex.Message}", $"metadata section (byte {offset})", ex);
        }
        return metadata ?? throw new ModelFormatException(source, "metadata JSON is null", $"metadata section (byte {offset})");
    }

    /// <summary>The vocabulary is UTF-8 tokens, each terminated by '\n'; the token id is the line number.</summary>
    private static List<string> ParseVocabulary(string source, ReadOnlySpan<byte> bytes, ulong offset)
    {
        if (bytes.Length == 0) throw new ModelFormatException(source, "the vocabulary is empty", $"vocabulary section (byte {offset})");
        if (bytes[^1] != (byte)'\n')
        {
            throw new ModelFormatException(source, "the vocabulary does not end with a newline; it is truncated",
                $"vocabulary section, byte {offset + (ulong)bytes.Length - 1}");
        }
        int count = bytes.Count((byte)'\n');
        if (count > EbmMetadataValidator.MaxVocab)
        {
            throw new ModelFormatException(source, $"{count} vocabulary tokens, at most {EbmMetadataValidator.MaxVocab}", $"vocabulary section (byte {offset})");
        }
        var tokens = new List<string>(count);
        var seen = new HashSet<string>(count, StringComparer.Ordinal);
        int start = 0;
        while (start < bytes.Length)
        {
            int length = bytes[start..].IndexOf((byte)'\n');
            // Built only on failure: one string per token was most of the start-up garbage.
            string Where() => $"vocabulary token {tokens.Count}, byte {offset + (ulong)start}";
            if (length == 0) throw new ModelFormatException(source, "empty vocabulary token", Where());
            string token;
            try
            {
                token = s_strictUtf8.GetString(bytes.Slice(start, length));
            }
            catch (DecoderFallbackException ex)
            {
                throw new ModelFormatException(source, $"vocabulary token is not valid UTF-8 ({ex.Message})", Where(), ex);
            }
            if (token.AsSpan().ContainsAnyInRange('\0', '\u001f'))
            {
                throw new ModelFormatException(source, "vocabulary token contains a control character", Where());
            }
            if (!seen.Add(token)) throw new ModelFormatException(source, $"vocabulary token '{token}' appears twice", Where());
            tokens.Add(token);
            start += length + 1;
        }
        return tokens;
    }

    private static List<EbmTensorInfo> ParseDirectory(string source, in EbmHeader header, ReadOnlySpan<byte> directory, EbmMetadata metadata)
    {
        // Every entry takes at least FixedSize + one dim + one name word, which caps the count.
        const int minEntry = EbmDirectoryEntry.FixedSize + 16;
        if (header.TensorCount > (ulong)directory.Length / minEntry)
        {
            throw new ModelFormatException(source,
                $"tensor count {header.TensorCount} cannot fit in a {directory.Length}-byte directory", "header, byte 20");
        }
        int count = (int)header.TensorCount;
        var tensors = new List<EbmTensorInfo>(count);
        var names = new HashSet<string>(count, StringComparer.Ordinal);
        int at = 0;
        for (int index = 0; index < count; index++)
        {
            var entry = ParseEntry(source, header, directory, ref at, index, metadata);
            if (!names.Add(entry.Name))
            {
                throw new ModelFormatException(source, $"tensor name '{entry.Name}' appears twice", $"tensor directory entry {index}");
            }
            tensors.Add(entry);
        }
        if (at != directory.Length)
        {
            throw new ModelFormatException(source,
                $"{directory.Length - at} unused bytes after {count} tensor entries; the tensor count or directory length is wrong",
                $"tensor directory, byte {header.DirectoryOffset + (ulong)at}");
        }

        // Data ranges must not overlap (sorted by offset, each ends before the next begins).
        var byOffset = tensors.OrderBy(t => t.FileOffset).ToList();
        for (int i = 1; i < byOffset.Count; i++)
        {
            var previous = byOffset[i - 1];
            if (previous.FileOffset + previous.Length > byOffset[i].FileOffset)
            {
                throw new ModelFormatException(source,
                    $"tensor data of '{previous.Name}' [{previous.FileOffset}, +{previous.Length}) overlaps '{byOffset[i].Name}' at byte {byOffset[i].FileOffset}",
                    $"tensor '{byOffset[i].Name}'");
            }
        }
        return tensors;
    }

    private static EbmTensorInfo ParseEntry(string source, in EbmHeader header, ReadOnlySpan<byte> directory, ref int at,
        int index, EbmMetadata metadata)
    {
        ulong entryOffset = header.DirectoryOffset + (ulong)at;
        string where = $"tensor directory entry {index}, byte {entryOffset}";
        if (directory.Length - at < EbmDirectoryEntry.FixedSize)
        {
            throw new ModelFormatException(source, "tensor directory ends inside an entry", where);
        }
        var e = directory[at..];
        int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(e);
        byte dtypeByte = e[2], scaleByte = e[3], rank = e[4];
        ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(e[8..]);
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(e[16..]);
        uint checksum = BinaryPrimitives.ReadUInt32LittleEndian(e[24..]);
        uint scaleCount = BinaryPrimitives.ReadUInt32LittleEndian(e[28..]);
        if (nameLength is 0 or > EbmDirectoryEntry.MaxNameBytes)
        {
            throw new ModelFormatException(source, $"tensor name length {nameLength}, expected 1..{EbmDirectoryEntry.MaxNameBytes}", where);
        }
        if (rank is 0 or > EbmLayout.MaxRank)
        {
            throw new ModelFormatException(source, $"tensor rank {rank}, expected 1..{EbmLayout.MaxRank}", where);
        }
        if (e[5..8].ContainsAnyExcept((byte)0)) throw new ModelFormatException(source, "reserved entry bytes are not zero", where);
        long variable = 8L * rank + EbmDirectoryEntry.Pad8(nameLength);
        if (scaleCount > (uint)(e.Length - EbmDirectoryEntry.FixedSize) / 4 ||
            EbmDirectoryEntry.FixedSize + variable + EbmDirectoryEntry.Pad8(4 * (int)scaleCount) > e.Length)
        {
            throw new ModelFormatException(source, "tensor entry runs past the end of the directory", where);
        }

        int p = EbmDirectoryEntry.FixedSize;
        var shape = new int[rank];
        for (int d = 0; d < rank; d++, p += 8)
        {
            ulong dim = BinaryPrimitives.ReadUInt64LittleEndian(e[p..]);
            if (dim is 0 or > int.MaxValue)
            {
                throw new ModelFormatException(source, $"dimension {d} is {dim}, expected 1..{int.MaxValue}", where);
            }
            shape[d] = (int)dim;
        }
        string name;
        try
        {
            name = s_strictUtf8.GetString(e.Slice(p, nameLength));
        }
        catch (DecoderFallbackException ex)
        {
            throw new ModelFormatException(source, $"tensor name is not valid UTF-8 ({ex.Message})", where, ex);
        }
        if (!EbmWriter.IsValidName(name))
        {
            throw new ModelFormatException(source, $"tensor name '{name}' contains whitespace or control characters", where);
        }
        if (e.Slice(p + nameLength, EbmDirectoryEntry.Pad8(nameLength) - nameLength).ContainsAnyExcept((byte)0))
        {
            throw new ModelFormatException(source, "tensor name padding is not zero", where);
        }
        where = $"tensor directory entry {index} ('{name}'), byte {entryOffset}";
        p += EbmDirectoryEntry.Pad8(nameLength);

        if (!Enum.IsDefined((EbmDType)dtypeByte)) throw new ModelFormatException(source, $"unknown dtype {dtypeByte}", where);
        if (!Enum.IsDefined((EbmScaleKind)scaleByte)) throw new ModelFormatException(source, $"unknown scale kind {scaleByte}", where);
        var dtype = (EbmDType)dtypeByte;
        var scaleKind = (EbmScaleKind)scaleByte;
        string dtypeName = dtype.ToString().ToLowerInvariant();
        if (!EbmLayout.IsScaleKindAllowed(dtype, scaleKind))
        {
            throw new ModelFormatException(source, $"scale kind {scaleKind} is not allowed for dtype {dtypeName}", where);
        }
        long expectedLength = EbmLayout.ByteLength(dtype, shape);
        if (expectedLength < 0)
        {
            throw new ModelFormatException(source,
                $"shape [{string.Join(", ", shape)}] is not valid for dtype {dtypeName} (rank 2 needed for packed types; at most {EbmLayout.MaxTensorBytes} bytes)", where);
        }
        if (length != (ulong)expectedLength)
        {
            throw new ModelFormatException(source,
                $"stored length {length} bytes does not match shape [{string.Join(", ", shape)}] × {dtypeName} = {expectedLength} bytes", where);
        }
        int expectedScales = EbmLayout.ScaleCount(scaleKind, shape[0]);
        if (scaleCount != (uint)expectedScales)
        {
            throw new ModelFormatException(source, $"{scaleCount} scales stored, {scaleKind} needs {expectedScales}", where);
        }
        var scales = new float[scaleCount];
        for (int i = 0; i < scales.Length; i++, p += 4)
        {
            scales[i] = BinaryPrimitives.ReadSingleLittleEndian(e[p..]);
            if (!float.IsFinite(scales[i])) throw new ModelFormatException(source, $"scale {i} is {scales[i]}, not a finite number", where);
        }
        p = EbmDirectoryEntry.FixedSize + (int)variable + EbmDirectoryEntry.Pad8(4 * (int)scaleCount);
        if (offset % EbmLayout.Alignment != 0)
        {
            throw new ModelFormatException(source, $"data offset {offset} is not a multiple of {EbmLayout.Alignment}", where);
        }
        if (offset > header.DataLength || length > header.DataLength - offset)
        {
            throw new ModelFormatException(source,
                $"data range [{offset}, +{length}) lies outside the {header.DataLength}-byte data section", where);
        }

        int[]? expectedShape = EbmMetadataValidator.ExpectedShape(name, metadata.Architecture, metadata.Labels.Count);
        if (expectedShape is not null && !expectedShape.AsSpan().SequenceEqual(shape))
        {
            throw new ModelFormatException(source,
                $"shape [{string.Join(", ", shape)}] does not match the architecture, which needs [{string.Join(", ", expectedShape)}]", where);
        }
        at += p;
        return new EbmTensorInfo(name, dtype, shape, scaleKind, scales, (long)(header.DataOffset + offset), (long)length, checksum);
    }

    /// <summary>
    /// Checksum, then the packing invariants the kernels rely on (zero padding, sign only where
    /// nonzero), then that every FP32/FP16 value is finite: one NaN weight would turn every answer
    /// into NaN (W1A1: the same label for every text; W2A8: a run-time error about activations).
    /// Scales are checked as the directory is parsed.
    /// </summary>
    private static void VerifyData(string source, EbmTensorInfo t, ReadOnlySpan<byte> data)
    {
        string where = $"tensor '{t.Name}', byte {t.FileOffset}";
        int nonFinite = -1;
        uint actual = t.DType is EbmDType.F32 or EbmDType.F16 ? ChecksumAndScan(data, t.DType, out nonFinite) : Crc32C.Compute(data);
        if (actual != t.Checksum)
        {
            throw new ModelFormatException(source,
                $"data checksum mismatch: stored 0x{t.Checksum:X8}, computed 0x{actual:X8}; the file is corrupt", where);
        }
        string? problem = t.DType switch
        {
            EbmDType.Binary => EbmPackingCheck.Binary(MemoryMarshal.Cast<byte, ulong>(data), t.Rows, t.Columns),
            EbmDType.Ternary => EbmPackingCheck.Ternary(MemoryMarshal.Cast<byte, ulong>(data), t.Rows, t.Columns),
            EbmDType.I8 => EbmPackingCheck.I8(data, t.Rows, t.Columns),
            EbmDType.F32 when nonFinite >= 0 => NonFinite(t, nonFinite, MemoryMarshal.Cast<byte, float>(data)[nonFinite]),
            EbmDType.F16 when nonFinite >= 0 => NonFinite(t, nonFinite, (float)MemoryMarshal.Cast<byte, Half>(data)[nonFinite]),
            _ => null,
        };
        if (problem is not null) throw new ModelFormatException(source, problem, where);
    }

    /// <summary>Bytes checksummed and then scanned while still in the L2 cache (big enough that the CRC's three-way join stays rare).</summary>
    private const int ScanChunkBytes = 256 << 10;

    /// <summary>
    /// The CRC-32C of FP32/FP16 data and the index of its first NaN or infinity (-1 if none), in
    /// one pass over memory: each chunk is scanned right after it is checksummed, so the check
    /// costs cache reads, not a second trip through a large tensor.
    /// </summary>
    private static uint ChecksumAndScan(ReadOnlySpan<byte> data, EbmDType dtype, out int nonFinite)
    {
        int size = dtype == EbmDType.F32 ? sizeof(float) : 2;
        uint crc = 0;
        nonFinite = -1;
        for (int at = 0; at < data.Length; at += ScanChunkBytes)
        {
            var chunk = data.Slice(at, Math.Min(ScanChunkBytes, data.Length - at));
            crc = Crc32C.Append(crc, chunk);
            if (nonFinite >= 0) continue;
            int i = size == sizeof(float)
                ? FiniteScan.IndexOfNonFinite(MemoryMarshal.Cast<byte, float>(chunk))
                : FiniteScan.IndexOfNonFinite(MemoryMarshal.Cast<byte, Half>(chunk));
            if (i >= 0) nonFinite = at / size + i;
        }
        return crc;
    }

    private static string NonFinite(EbmTensorInfo t, int index, float value)
    {
        string at = t.Rank == 1 ? $"value {index}" : $"value {index} (row {index / t.Columns}, column {index % t.Columns})";
        return $"{at} is {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}; weights must be finite numbers";
    }
}
