using System.Collections.Concurrent;

namespace EdgeBert.Native;

/// <summary>
/// Opaque C handles for managed objects. A handle is a never-reused number (not an address), so a
/// freed, foreign or garbage handle is looked up, not dereferenced: it fails with
/// <see cref="NativeStatus.InvalidHandle"/> instead of crashing.
/// </summary>
public static class HandleTable
{
    // Starts high and steps by 16 so handles look like aligned pointers to C tools yet never equal
    // small integers a caller might pass by mistake (0, 1, -1).
    private const long Step = 16;
    private static long s_next = 0x1000;
    private static readonly ConcurrentDictionary<nint, object> s_objects = new();

    /// <summary>Registers <paramref name="value"/> and returns its new handle.</summary>
    public static nint Add(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        nint handle = (nint)Interlocked.Add(ref s_next, Step);
        s_objects[handle] = value;
        return handle;
    }

    /// <summary>The object of type <typeparamref name="T"/> behind <paramref name="handle"/>.</summary>
    /// <exception cref="ArgumentNullException">The handle is NULL.</exception>
    /// <exception cref="NativeException">The handle is unknown, freed, or names another kind of object.</exception>
    public static T Get<T>(nint handle, string name) where T : class
    {
        if (handle == 0) throw new ArgumentNullException(name, $"The {name} handle is NULL.");
        if (s_objects.TryGetValue(handle, out var value) && value is T typed) return typed;
        throw new NativeException(NativeStatus.InvalidHandle,
            $"The {name} handle 0x{handle:x} is not a live {KindOf<T>()} (freed, or never created by this library).");
    }

    /// <summary>Unregisters <paramref name="handle"/> and returns its object; null for NULL.</summary>
    /// <exception cref="NativeException">The handle is unknown, already freed, or of another kind.</exception>
    public static T? Remove<T>(nint handle, string name) where T : class
    {
        if (handle == 0) return null;
        var value = Get<T>(handle, name);
        // Two threads freeing one handle: only one wins; the other reports it as already freed.
        if (!s_objects.TryRemove(new KeyValuePair<nint, object>(handle, value)))
        {
            throw new NativeException(NativeStatus.InvalidHandle, $"The {name} handle 0x{handle:x} was freed twice.");
        }
        return value;
    }

    /// <summary>Live handles (leak checks in tests).</summary>
    public static int Count => s_objects.Count;

    private static string KindOf<T>() => typeof(T) == typeof(NativeModel) ? "model" : typeof(T) == typeof(NativeSession) ? "session" : typeof(T).Name;
}
