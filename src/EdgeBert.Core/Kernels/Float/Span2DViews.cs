using System.Runtime.InteropServices;
using CommunityToolkit.HighPerformance;

namespace EdgeBert.Kernels.Float;

/// <summary>
/// Turns a pitched 2-D view into the (flat span, row stride) pair the kernels take. The span
/// covers exactly the rows: (height − 1) · stride + width elements.
/// </summary>
internal static class Span2DViews
{
    /// <summary>Row stride in elements (width + pitch).</summary>
    public static nint Stride<T>(ReadOnlySpan2D<T> view) => view.Width + (nint)PitchOf(view);

    /// <summary>Row stride in elements (width + pitch).</summary>
    public static nint Stride<T>(Span2D<T> view) => Stride((ReadOnlySpan2D<T>)view);

    /// <summary>The rows of <paramref name="view"/> as one span with stride <see cref="Stride{T}(ReadOnlySpan2D{T})"/>.</summary>
    public static ReadOnlySpan<T> Rows<T>(ReadOnlySpan2D<T> view) =>
        view.IsEmpty ? default : MemoryMarshal.CreateReadOnlySpan(ref view.DangerousGetReference(), Length(view));

    /// <summary>The rows of <paramref name="view"/> as one span with stride <see cref="Stride{T}(Span2D{T})"/>.</summary>
    public static Span<T> Rows<T>(Span2D<T> view) =>
        view.IsEmpty ? default : MemoryMarshal.CreateSpan(ref view.DangerousGetReference(), Length((ReadOnlySpan2D<T>)view));

    private static int Length<T>(ReadOnlySpan2D<T> view) => checked((int)((view.Height - 1) * Stride(view) + view.Width));

    private static int PitchOf<T>(ReadOnlySpan2D<T> view)
    {
        if (view.Height < 2) return 0;
        // The distance between the first elements of rows 0 and 1, minus the width.
        ref T first = ref view.DangerousGetReference();
        ref T second = ref view.DangerousGetReferenceAt(1, 0);
        return (int)(System.Runtime.CompilerServices.Unsafe.ByteOffset(ref first, ref second) / System.Runtime.CompilerServices.Unsafe.SizeOf<T>()) - view.Width;
    }
}
