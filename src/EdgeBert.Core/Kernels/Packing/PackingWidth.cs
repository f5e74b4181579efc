using System.Runtime.Intrinsics;

namespace EdgeBert.Kernels.Packing;

/// <summary>
/// Vector widths the packers can run at: the widest accelerated one in production, any
/// accelerated one (or 0, the scalar loop) from tests, which compare every width with scalar.
/// </summary>
internal static class PackingWidth
{
    /// <summary>Scalar loops.</summary>
    public const int Scalar = 0;

    /// <summary>Ask for the widest accelerated width.</summary>
    public const int Widest = -1;

    /// <summary>Widths this process accelerates, widest first, then 0 (scalar).</summary>
    public static IReadOnlyList<int> Supported { get; } = BuildSupported();

    /// <summary>Turns <see cref="Widest"/> into a concrete width; an unaccelerated width throws.</summary>
    public static int Resolve(int width)
    {
        if (width == Widest) return Supported[0];
        if (!Supported.Contains(width))
        {
            throw new PlatformNotSupportedException($"Packing width {width} bits is not accelerated in this process.");
        }
        return width;
    }

    private static int[] BuildSupported()
    {
        var list = new List<int>();
        if (Vector512.IsHardwareAccelerated) list.Add(512);
        if (Vector256.IsHardwareAccelerated) list.Add(256);
        if (Vector128.IsHardwareAccelerated) list.Add(128);
        list.Add(Scalar);
        return list.ToArray();
    }
}
