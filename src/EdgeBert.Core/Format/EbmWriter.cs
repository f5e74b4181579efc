using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using EdgeBert.Kernels;

namespace EdgeBert.Format;

/// <summary>
/// Builds an <c>.ebm</c> model: metadata, vocabulary and tensors already in canonical layout
/// (docs/format.md). Output is deterministic: the same calls produce the same bytes. Tensors are
/// written in the order they were added, each at the next 64-byte boundary. Misuse (a shape
/// that does not match the data, a duplicate name, inconsistent metadata) throws
/// <see cref="ArgumentException"/> before anything is written.
/// </summary>
public sealed class EbmWriter
{
    private readonly EbmMetadata _metadata;
    private readonly string[] _vocabulary;
    private readonly List<Pending> _tensors = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    private sealed record Pending(string Name, EbmDType DType, int[] Shape, EbmScaleKind ScaleKind, float[] Scales, byte[] Data);

    /// <summary>Starts a model with its metadata and WordPiece vocabulary (index = token id).</summary>
    public EbmWriter(EbmMetadata metadata, IReadOnlyList<string> vocabulary)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(vocabulary);
        _vocabulary = [.. vocabulary];
        for (int i = 0; i < _vocabulary.Length; i++)
        {
            string token = _vocabulary[i];
            if (string.IsNullOrEmpty(token) || token.AsSpan().ContainsAnyInRange('\0', '\u001f'))
            {
                throw new ArgumentException($"vocabulary token {i} is empty or contains a control character", nameof(vocabulary));
            }
        }
        if (_vocabulary.Distinct(StringComparer.Ordinal).Count() != _vocabulary.Length)
        {
            throw new ArgumentException("the vocabulary contains duplicate tokens", nameof(vocabulary));
        }
        try
        {
            EbmMetadataValidator.Validate(metadata, _vocabulary, "metadata");
        }
        catch (ModelFormatException ex)
        {
            throw new ArgumentException($"invalid metadata: {ex.What} (at {ex.Where})", nameof(metadata), ex);
        }
        _metadata = metadata;
    }

    /// <summary>
    /// A writer holding every tensor of <paramref name="source"/> as stored (same names, order,
    /// dtypes, shapes, scales and bytes) under new <paramref name="metadata"/> and the source's
    /// vocabulary: how a command changes a model's metadata (e.g. its calibration) without touching
    /// its weights. The written file gets fresh checksums; the tensors are re-validated as when added.
    /// </summary>
    /// <exception cref="ArgumentException">The metadata is invalid or does not fit the tensors.</exception>
    public static EbmWriter CopyOf(EbmFile source, EbmMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(source);
        var writer = new EbmWriter(metadata, source.Vocabulary);
        foreach (var tensor in source.Tensors)
        {
            writer.Add(tensor.Name, tensor.DType, tensor.Shape.ToArray(), tensor.ScaleKind, tensor.Scales, source.GetBytes(tensor));
        }
        return writer;
    }

    /// <summary>Names of the tensors added so far, in order.</summary>
    public IEnumerable<string> TensorNames => _tensors.Select(t => t.Name);

    /// <summary>Adds a float32 tensor (row-major).</summary>
    public void AddF32(string name, ReadOnlySpan<int> shape, ReadOnlySpan<float> values) =>
        Add(name, EbmDType.F32, shape, EbmScaleKind.None, [], MemoryMarshal.AsBytes(values));

    /// <summary>Adds a float16 tensor (row-major).</summary>
    public void AddF16(string name, ReadOnlySpan<int> shape, ReadOnlySpan<Half> values) =>
        Add(name, EbmDType.F16, shape, EbmScaleKind.None, [], MemoryMarshal.AsBytes(values));

    /// <summary>Adds an int8 tensor [rows, columns]: rows of <see cref="EbmLayout.I8RowStride"/> bytes, one scale per row.</summary>
    public void AddI8(string name, int rows, int columns, ReadOnlySpan<sbyte> values, ReadOnlySpan<float> rowScales) =>
        Add(name, EbmDType.I8, [rows, columns], EbmScaleKind.PerRow, rowScales, MemoryMarshal.AsBytes(values));

    /// <summary>
    /// Adds a binary tensor [rows, columns]: rows of <see cref="EbmLayout.PackedRowWords"/> words,
    /// bit (k % 64) of word (k / 64) set for −1; <paramref name="alpha"/> has 1 or <paramref name="rows"/> values.
    /// </summary>
    public void AddBinary(string name, int rows, int columns, ReadOnlySpan<ulong> words, ReadOnlySpan<float> alpha) =>
        Add(name, EbmDType.Binary, [rows, columns], AlphaKind(alpha, rows), alpha, MemoryMarshal.AsBytes(words));

    /// <summary>
    /// Adds a ternary tensor [rows, columns] from its sign plane (1 = −1) and nonzero plane
    /// (1 = ±1), each in the binary layout; <paramref name="alpha"/> has 1 or <paramref name="rows"/> values.
    /// </summary>
    public void AddTernary(string name, int rows, int columns, ReadOnlySpan<ulong> sign, ReadOnlySpan<ulong> nonzero, ReadOnlySpan<float> alpha)
    {
        if (sign.Length != nonzero.Length)
        {
            throw new ArgumentException($"tensor '{name}': sign plane has {sign.Length} words, nonzero plane {nonzero.Length}");
        }
        var both = new byte[(sign.Length + nonzero.Length) * 8L];
        MemoryMarshal.AsBytes(sign).CopyTo(both);
        MemoryMarshal.AsBytes(nonzero).CopyTo(both.AsSpan(sign.Length * 8));
        Add(name, EbmDType.Ternary, [rows, columns], AlphaKind(alpha, rows), alpha, both);
    }

    private static EbmScaleKind AlphaKind(ReadOnlySpan<float> alpha, int rows) =>
        alpha.Length == 1 && rows != 1 ? EbmScaleKind.PerTensor : EbmScaleKind.PerRow;

    private void Add(string name, EbmDType dtype, ReadOnlySpan<int> shape, EbmScaleKind scaleKind, ReadOnlySpan<float> scales, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!IsValidName(name) || Encoding.UTF8.GetByteCount(name) > EbmDirectoryEntry.MaxNameBytes)
        {
            throw new ArgumentException($"tensor name '{name}' must be 1..{EbmDirectoryEntry.MaxNameBytes} UTF-8 bytes without whitespace or control characters", nameof(name));
        }
        if (_names.Contains(name)) throw new ArgumentException($"tensor '{name}' was already added", nameof(name));
        string shapeText = $"[{string.Join(", ", shape.ToArray())}]";
        long expected = EbmLayout.ByteLength(dtype, shape);
        if (expected < 0)
        {
            throw new ArgumentException($"tensor '{name}': shape {shapeText} is not valid for {dtype} (dimensions ≥ 1, rank 1..{EbmLayout.MaxRank}, rank 2 for packed types, ≤ {EbmLayout.MaxTensorBytes} bytes)", nameof(shape));
        }
        if (data.Length != expected)
        {
            throw new ArgumentException($"tensor '{name}': {data.Length} bytes of data, shape {shapeText} as {dtype} needs {expected} (canonical layout, padding included)");
        }
        int expectedScales = EbmLayout.ScaleCount(scaleKind, shape[0]);
        if (scales.Length != expectedScales)
        {
            throw new ArgumentException($"tensor '{name}': {scales.Length} scales, expected {expectedScales} ({scaleKind}; 1 or one per row)");
        }
        foreach (float s in scales)
        {
            if (!float.IsFinite(s)) throw new ArgumentException($"tensor '{name}': scale {s} is not finite");
        }
        int[]? conventional = EbmMetadataValidator.ExpectedShape(name, _metadata.Architecture, _metadata.Labels.Count);
        if (conventional is not null && !conventional.AsSpan().SequenceEqual(shape))
        {
            throw new ArgumentException($"tensor '{name}': shape {shapeText} does not match the architecture, which needs [{string.Join(", ", conventional)}]");
        }
        string? packing = dtype switch
        {
            EbmDType.Binary => EbmPackingCheck.Binary(MemoryMarshal.Cast<byte, ulong>(data), shape[0], shape[1]),
            EbmDType.Ternary => EbmPackingCheck.Ternary(MemoryMarshal.Cast<byte, ulong>(data), shape[0], shape[1]),
            EbmDType.I8 => EbmPackingCheck.I8(data, shape[0], shape[1]),
            _ => null,
        };
        if (packing is not null) throw new ArgumentException($"tensor '{name}' is not in canonical layout: {packing}");
        _tensors.Add(new Pending(name, dtype, shape.ToArray(), scaleKind, scales.ToArray(), data.ToArray()));
        _names.Add(name);
    }

    /// <summary>Whether <paramref name="name"/> may name a tensor: non-empty, no whitespace or control characters.</summary>
    internal static bool IsValidName(string name)
    {
        if (name.Length == 0) return false;
        foreach (char c in name)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c)) return false;
        }
        return true;
    }

    /// <summary>Writes the model to <paramref name="output"/> (sequentially; the stream need not seek).</summary>
    public void WriteTo(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException(".ebm files are written on little-endian hosts only");
        byte[] metadata = JsonSerializer.SerializeToUtf8Bytes(_metadata, EbmJsonContext.Default.EbmMetadata);
        byte[] vocabulary = Encoding.UTF8.GetBytes(string.Concat(_vocabulary.Select(t => t + "\n")));
        var entries = new List<EbmDirectoryEntry>(_tensors.Count);
        long offset = 0;
        foreach (var t in _tensors)
        {
            entries.Add(new EbmDirectoryEntry
            {
                Name = Encoding.UTF8.GetBytes(t.Name),
                DType = (byte)t.DType,
                ScaleKind = (byte)t.ScaleKind,
                Dims = t.Shape.Select(d => (ulong)d).ToArray(),
                Offset = (ulong)offset,
                Length = (ulong)t.Data.Length,
                Checksum = Crc32C.Compute(t.Data),
                Scales = t.Scales,
            });
            offset = EbmLayout.RoundUp(offset + t.Data.Length, EbmLayout.Alignment);
        }
        long dataLength = _tensors.Count == 0 ? 0 : (long)(entries[^1].Offset + entries[^1].Length);
        EbmAssembler.Write(output, metadata, vocabulary, entries, dataLength, stream =>
        {
            long at = 0;
            Span<byte> zeros = stackalloc byte[EbmLayout.Alignment];
            zeros.Clear();
            for (int i = 0; i < _tensors.Count; i++)
            {
                long start = (long)entries[i].Offset;
                if (start > at) stream.Write(zeros[..(int)(start - at)]);
                stream.Write(_tensors[i].Data);
                at = start + _tensors[i].Data.Length;
            }
        });
    }

    /// <summary>
    /// Writes the model to a file (created or replaced). The bytes go to a temporary file that is
    /// renamed into place, so a reader never maps a half-written model.
    /// </summary>
    public void WriteTo(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string temporary = path + ".partial";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                WriteTo(stream);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>The model as a byte array.</summary>
    public byte[] ToArray()
    {
        using var stream = new MemoryStream();
        WriteTo(stream);
        return stream.ToArray();
    }
}
