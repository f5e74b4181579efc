using System.Runtime.InteropServices;

namespace EdgeBert.Format;

/// <summary>
/// A loaded, fully validated <c>.ebm</c> model. <see cref="Open"/> memory-maps the file and
/// every tensor accessor returns a span straight over the mapping (no copy); <see cref="Load"/>
/// does the same over a caller's buffer. Read-only and safe to share between threads; spans
/// obtained before <see cref="Dispose"/> must not be used after it, and every member throws
/// <see cref="ObjectDisposedException"/> once disposed.
/// </summary>
public sealed class EbmFile : IDisposable
{
    private readonly EbmStorage _storage;
    private readonly EbmContents _contents;
    private bool _disposed;

    private EbmFile(EbmStorage storage, EbmContents contents, string source)
    {
        _storage = storage;
        _contents = contents;
        Source = source;
    }

    /// <summary>
    /// Memory-maps and validates the model at <paramref name="path"/>.
    /// </summary>
    /// <param name="path">The <c>.ebm</c> file.</param>
    /// <param name="verifyChecksums">Also check every tensor's CRC-32C and packing invariants (reads all data once).</param>
    /// <exception cref="ModelFormatException">The file is not a valid model, or cannot be read.</exception>
    public static EbmFile Open(string path, bool verifyChecksums = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        EbmStorage storage;
        try
        {
            storage = EbmMappedStorage.Open(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new ModelFormatException(path, $"cannot open the model file: {ex.Message}", "open", ex);
        }
        return Create(storage, path, verifyChecksums);
    }

    /// <summary>Validates a model held in memory; the buffer must outlive the returned object.</summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="name">A name for error messages (e.g. where the bytes came from).</param>
    /// <param name="verifyChecksums">Also check every tensor's CRC-32C and packing invariants.</param>
    /// <exception cref="ModelFormatException">The bytes are not a valid model.</exception>
    public static EbmFile Load(ReadOnlyMemory<byte> bytes, string name = "<memory>", bool verifyChecksums = true) =>
        Create(new EbmMemoryStorage(bytes), name, verifyChecksums);

    private static EbmFile Create(EbmStorage storage, string source, bool verifyChecksums)
    {
        if (!BitConverter.IsLittleEndian)
        {
            storage.Dispose();
            throw new PlatformNotSupportedException("EdgeBert reads .ebm tensors in place, which needs a little-endian CPU.");
        }
        try
        {
            return new EbmFile(storage, EbmReader.Read(storage, source, verifyChecksums), source);
        }
        catch
        {
            storage.Dispose();
            throw;
        }
    }

    /// <summary>The file path, or the name given to <see cref="Load"/>.</summary>
    public string Source { get; }

    /// <summary>Structural format version of the file.</summary>
    public int FormatVersion => Contents.Header.FormatVersion;

    /// <summary>Kernel packing version of the file.</summary>
    public int PackingVersion => Contents.Header.PackingVersion;

    /// <summary>Size of the whole file in bytes.</summary>
    public long FileLength => Storage.Length;

    /// <summary>Validated metadata.</summary>
    public EbmMetadata Metadata => Contents.Metadata;

    /// <summary>WordPiece vocabulary; the index is the token id.</summary>
    public IReadOnlyList<string> Vocabulary => Contents.Vocabulary;

    /// <summary>All tensors in directory order.</summary>
    public IReadOnlyList<EbmTensorInfo> Tensors => Contents.Tensors;

    /// <summary>The structural format version this build reads and writes.</summary>
    public static int SupportedFormatVersion => EbmHeader.CurrentFormatVersion;

    /// <summary>The kernel packing version this build reads and writes.</summary>
    public static int SupportedPackingVersion => EbmHeader.CurrentPackingVersion;

    private EbmContents Contents
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _contents;
        }
    }

    private EbmStorage Storage
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _storage;
        }
    }

    /// <summary>
    /// Checks every tensor's CRC-32C and packing invariants, as <see cref="Open"/> and
    /// <see cref="Load"/> do with <c>verifyChecksums</c>; for a caller that opened the file without
    /// them and verifies later (the runtime does it on a second thread while it packs weights).
    /// Read-only, so it may run while other threads read tensors.
    /// </summary>
    /// <exception cref="ModelFormatException">A tensor's checksum or packing is wrong.</exception>
    internal void VerifyTensors() => EbmReader.VerifyTensors(Storage, Source, Contents.Tensors);

    /// <summary>Whether a tensor named <paramref name="name"/> exists.</summary>
    public bool TryGetTensor(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out EbmTensorInfo? info) =>
        Contents.ByName.TryGetValue(name, out info);

    /// <summary>The tensor named <paramref name="name"/>.</summary>
    /// <exception cref="ModelFormatException">The model has no such tensor.</exception>
    public EbmTensorInfo GetTensor(string name) =>
        TryGetTensor(name, out var info) ? info
            : throw new ModelFormatException(Source, $"the model has no tensor named '{name}'", "tensor directory");

    /// <summary>The stored bytes of a tensor (any dtype, padding included).</summary>
    public ReadOnlySpan<byte> GetBytes(string name) => GetBytes(GetTensor(name));

    /// <summary>The stored bytes of a tensor of this file.</summary>
    public ReadOnlySpan<byte> GetBytes(EbmTensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!Contents.ByName.TryGetValue(tensor.Name, out var own) || !ReferenceEquals(own, tensor))
        {
            throw new ArgumentException($"tensor '{tensor.Name}' does not belong to {Source}", nameof(tensor));
        }
        return Storage.Slice(tensor.FileOffset, (int)tensor.Length);
    }

    /// <summary>An <see cref="EbmDType.F32"/> tensor, row-major.</summary>
    public ReadOnlySpan<float> GetF32(string name) => MemoryMarshal.Cast<byte, float>(Typed(name, EbmDType.F32));

    /// <summary>An <see cref="EbmDType.F16"/> tensor, row-major.</summary>
    public ReadOnlySpan<Half> GetF16(string name) => MemoryMarshal.Cast<byte, Half>(Typed(name, EbmDType.F16));

    /// <summary>An <see cref="EbmDType.I8"/> tensor: N rows of <see cref="EbmLayout.I8RowStride"/> bytes.</summary>
    public ReadOnlySpan<sbyte> GetI8(string name) => MemoryMarshal.Cast<byte, sbyte>(Typed(name, EbmDType.I8));

    /// <summary>A <see cref="EbmDType.Binary"/> tensor: N rows of <see cref="EbmLayout.PackedRowWords"/> words (bit = 1 for −1).</summary>
    public ReadOnlySpan<ulong> GetBinary(string name) => MemoryMarshal.Cast<byte, ulong>(Typed(name, EbmDType.Binary));

    /// <summary>A <see cref="EbmDType.Ternary"/> tensor's two planes, each N rows of <see cref="EbmLayout.PackedRowWords"/> words.</summary>
    public EbmTernaryPlanes GetTernary(string name)
    {
        var words = MemoryMarshal.Cast<byte, ulong>(Typed(name, EbmDType.Ternary));
        return new EbmTernaryPlanes(words[..(words.Length / 2)], words[(words.Length / 2)..]);
    }

    private ReadOnlySpan<byte> Typed(string name, EbmDType dtype)
    {
        var tensor = GetTensor(name);
        if (tensor.DType != dtype)
        {
            throw new ModelFormatException(Source,
                $"tensor '{name}' is {tensor.DType.ToString().ToLowerInvariant()}, expected {dtype.ToString().ToLowerInvariant()}",
                $"tensor '{name}'");
        }
        return Storage.Slice(tensor.FileOffset, (int)tensor.Length);
    }

    /// <summary>Unmaps the file. Spans obtained earlier become invalid.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _storage.Dispose();
    }
}

/// <summary>The two bit planes of a ternary tensor, in the binary layout.</summary>
/// <param name="Sign">Plane 0: 1 where the value is −1 (0 where it is 0 or +1).</param>
/// <param name="Nonzero">Plane 1: 1 where the value is ±1.</param>
public readonly ref struct EbmTernaryPlanes(ReadOnlySpan<ulong> Sign, ReadOnlySpan<ulong> Nonzero)
{
    /// <summary>Plane 0: 1 where the value is −1.</summary>
    public ReadOnlySpan<ulong> Sign { get; } = Sign;

    /// <summary>Plane 1: 1 where the value is nonzero.</summary>
    public ReadOnlySpan<ulong> Nonzero { get; } = Nonzero;
}
