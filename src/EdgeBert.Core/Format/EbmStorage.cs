using System.IO.MemoryMappedFiles;

namespace EdgeBert.Format;

/// <summary>The bytes of an <c>.ebm</c> model: a managed buffer or a read-only file mapping.</summary>
internal abstract class EbmStorage : IDisposable
{
    /// <summary>Total size in bytes.</summary>
    internal abstract long Length { get; }

    /// <summary>
    /// A view of [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="length"/>).
    /// Callers have checked the range against <see cref="Length"/>.
    /// </summary>
    internal abstract ReadOnlySpan<byte> Slice(long offset, int length);

    public abstract void Dispose();
}

/// <summary>A model held in caller-owned memory (the C ABI loads from a buffer).</summary>
internal sealed class EbmMemoryStorage(ReadOnlyMemory<byte> bytes) : EbmStorage
{
    internal override long Length => bytes.Length;

    internal override ReadOnlySpan<byte> Slice(long offset, int length) => bytes.Span.Slice(checked((int)offset), length);

    public override void Dispose()
    {
        // The caller owns the memory.
    }
}

/// <summary>
/// A read-only memory mapping of a model file: tensors are spans straight over the page cache,
/// so loading costs no copy. Views handed out become invalid on <see cref="Dispose"/>.
/// </summary>
internal sealed unsafe class EbmMappedStorage : EbmStorage
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly long _length;

    private EbmMappedStorage(MemoryMappedFile map, MemoryMappedViewAccessor view, byte* basePointer, long length)
    {
        _map = map;
        _view = view;
        _base = basePointer;
        _length = length;
    }

    internal override long Length => _length;

    /// <summary>Maps <paramref name="path"/>; an empty file becomes an empty managed storage (mmap of 0 bytes fails).</summary>
    internal static EbmStorage Open(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
        long length = stream.Length;
        if (length == 0) return new EbmMemoryStorage(ReadOnlyMemory<byte>.Empty);
        var map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
        MemoryMappedViewAccessor? view = null;
        try
        {
            view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            return new EbmMappedStorage(map, view, pointer + view.PointerOffset, length);
        }
        catch
        {
            view?.Dispose();
            map.Dispose();
            throw;
        }
    }

    internal override ReadOnlySpan<byte> Slice(long offset, int length)
    {
        if ((ulong)offset > (ulong)_length || (ulong)length > (ulong)(_length - offset))
        {
            throw new ArgumentOutOfRangeException(nameof(offset), "range outside the mapped file");
        }
        return new ReadOnlySpan<byte>(_base + offset, length);
    }

    public override void Dispose()
    {
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }
}
