using System.Buffers;

namespace EdgeBert.Format;

/// <summary>
/// Views native memory that outlives every use, such as a manifest resource inside the loaded
/// binary, as <see cref="ReadOnlyMemory{T}"/> without copying it, so a model embedded in an
/// executable is validated and read in place, like a memory-mapped file.
/// </summary>
public static class InPlaceMemory
{
    /// <summary>
    /// The bytes of <paramref name="stream"/> from its current position to its end, in place,
    /// when the stream is an <see cref="UnmanagedMemoryStream"/> over a plain pointer (what
    /// <c>GetManifestResourceStream</c> returns for a resource of a loaded assembly).
    /// </summary>
    /// <remarks>
    /// The stream's buffer must stay valid while the returned memory is used. Manifest resources
    /// satisfy that: they live in the image of the loaded assembly (a read-only, file-backed
    /// mapping for a NativeAOT binary), which is never unloaded, so the pages are read from disk
    /// only when first touched and a model costs no copy and no managed allocation.
    /// </remarks>
    /// <returns>False for any other stream (the caller copies it instead).</returns>
    /// <exception cref="ArgumentException">The stream has more than 2 GiB left.</exception>
    public static bool TryFromStream(Stream stream, out ReadOnlyMemory<byte> memory)
    {
        ArgumentNullException.ThrowIfNull(stream);
        memory = default;
        if (stream is not UnmanagedMemoryStream { CanRead: true } unmanaged) return false;
        long remaining = unmanaged.Length - unmanaged.Position;
        if (remaining > int.MaxValue)
        {
            throw new ArgumentException($"the stream has {remaining} bytes left; at most {int.MaxValue} can be viewed", nameof(stream));
        }
        if (!InPlaceMemoryManager.TryCreate(unmanaged, (int)Math.Max(0, remaining), out var manager)) return false;
        memory = manager.Memory;
        return true;
    }
}

/// <summary>A <see cref="MemoryManager{T}"/> over a native buffer it does not own (nothing to free or pin).</summary>
internal sealed unsafe class InPlaceMemoryManager : MemoryManager<byte>
{
    private readonly byte* _pointer;
    private readonly int _length;

    // Kept so that whatever owns the buffer through the stream stays reachable as long as the view.
    private readonly UnmanagedMemoryStream _owner;

    private InPlaceMemoryManager(UnmanagedMemoryStream owner, byte* pointer, int length)
    {
        _owner = owner;
        _pointer = pointer;
        _length = length;
    }

    /// <summary>False when the stream wraps a SafeBuffer (it has no stable pointer to hand out).</summary>
    internal static bool TryCreate(UnmanagedMemoryStream stream, int length, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out InPlaceMemoryManager? manager)
    {
        try
        {
            manager = new InPlaceMemoryManager(stream, stream.PositionPointer, length);
            return true;
        }
        catch (NotSupportedException)
        {
            manager = null;
            return false;
        }
    }

    public override Span<byte> GetSpan() => new(_pointer, _length);

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        if ((uint)elementIndex > (uint)_length) throw new ArgumentOutOfRangeException(nameof(elementIndex));
        return new MemoryHandle(_pointer + elementIndex);
    }

    public override void Unpin()
    {
        // Native memory never moves.
    }

    protected override void Dispose(bool disposing)
    {
        // The buffer's owner frees it; this view only lets go of the owner.
        GC.KeepAlive(_owner);
    }
}
