
namespace EdgeBert.Format;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of the <c>.ebm</c>
/// format. Uses the SSE4.2 or ARMv8 CRC32 instructions where the process has them and a
/// table-driven scalar fallback elsewhere; all paths give identical results.
/// </summary>
public static class Crc32C
{
    /// <summary>The checksum of <paramref name="data"/> (initial value and final XOR applied).</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>
    /// Continues a checksum: <c>Append(Compute(a), b) == Compute(a ++ b)</c>. Start from 0.
    /// </summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data) =>
        ~AppendRaw(~crc, data, Best);

    /// <summary>The implementation <see cref="Compute"/> uses in this process.</summary>
    internal static Crc32CPath Best { get; } =
        Crc32CSse42.IsSupported ? Crc32CPath.Sse42 :
        Crc32CArm64.IsSupported ? Crc32CPath.Arm64 :
        Crc32CPath.Scalar;

    /// <summary>Whether <paramref name="path"/> can run here (tests skip the others).</summary>
    internal static bool IsSupported(Crc32CPath path) => path switch
    {
        Crc32CPath.Scalar => true,
        Crc32CPath.Sse42 => Crc32CSse42.IsSupported,
        Crc32CPath.Arm64 => Crc32CArm64.IsSupported,
        _ => false,
    };

    /// <summary>Checksum through one specific path, for tests comparing SIMD with scalar.</summary>
    internal static uint ComputeWith(ReadOnlySpan<byte> data, Crc32CPath path) =>
        ~AppendRaw(uint.MaxValue, data, path);

    // The register form (no pre/post inversion) is what the instructions compute.
    private static uint AppendRaw(uint state, ReadOnlySpan<byte> data, Crc32CPath path) => path switch
    {
        Crc32CPath.Sse42 when Crc32CSse42.IsSupported => Crc32CSse42.Update(state, data),
        Crc32CPath.Arm64 when Crc32CArm64.IsSupported => Crc32CArm64.Update(state, data),
        Crc32CPath.Scalar => Crc32CScalar.Update(state, data),
        _ => throw new PlatformNotSupportedException($"CRC-32C path {path} is not supported on this CPU."),
    };
}

/// <summary>An implementation of <see cref="Crc32C"/>.</summary>
internal enum Crc32CPath
{
    Scalar,
    Sse42,
    Arm64,
}
