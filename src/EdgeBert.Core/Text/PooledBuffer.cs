using System.Buffers;

namespace EdgeBert.Text;

/// <summary>
/// A growable list over <see cref="ArrayPool{T}.Shared"/> arrays, so that tokenizing allocates
/// nothing once the pool is warm. A mutable struct: pass it by <c>ref</c> and dispose it once.
/// (CommunityToolkit's <c>ArrayPoolBufferWriter</c> is a class, one allocation per call, and
/// its <c>SpanOwner</c> cannot grow; the BCL's <c>ValueListBuilder</c> is internal.)
/// </summary>
internal struct PooledBuffer<T> : IDisposable
{
    private T[] _array;
    private int _count;

    public PooledBuffer(int capacity)
    {
        _array = ArrayPool<T>.Shared.Rent(Math.Max(capacity, 16));
        _count = 0;
    }

    public readonly int Count => _count;

    public readonly Span<T> Span => _array.AsSpan(0, _count);

    /// <summary>The whole rented array, for writers that fill it and then call <see cref="SetCount"/>.</summary>
    public readonly Span<T> Capacity => _array;

    public void Add(T item)
    {
        if (_count == _array.Length) Grow(_count + 1);
        _array[_count++] = item;
    }

    public void AddRange(ReadOnlySpan<T> items)
    {
        if (_count + items.Length > _array.Length) Grow(_count + items.Length);
        items.CopyTo(_array.AsSpan(_count));
        _count += items.Length;
    }

    /// <summary>Drops everything after the first <paramref name="count"/> items.</summary>
    public void Truncate(int count) => _count = Math.Min(count, _count);

    /// <summary>Declares the first <paramref name="count"/> items of <see cref="Capacity"/> written.</summary>
    public void SetCount(int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)count, (uint)_array.Length, nameof(count));
        _count = count;
    }

    /// <summary>Keeps the last <paramref name="count"/> items, moved to the front.</summary>
    public void KeepLast(int count)
    {
        if (count >= _count) return;
        _array.AsSpan(_count - count, count).CopyTo(_array);
        _count = count;
    }

    public void Clear() => _count = 0;

    private void Grow(int needed)
    {
        var bigger = ArrayPool<T>.Shared.Rent(Math.Max(needed, _array.Length * 2));
        _array.AsSpan(0, _count).CopyTo(bigger);
        ArrayPool<T>.Shared.Return(_array);
        _array = bigger;
    }

    public void Dispose()
    {
        if (_array is not null) ArrayPool<T>.Shared.Return(_array);
        _array = null!;
        _count = 0;
    }
}
