using System.Runtime.InteropServices;

namespace EdgeBert.Native;

/// <summary>The C ABI of <c>libedgebert.so</c>; see <c>native-aot/include/edgebert.h</c>.</summary>
public static class Exports
{
    /// <summary>ABI version of the C interface; bumped on any incompatible change.</summary>
    public const int AbiVersion = 1;

    /// <summary><c>int edgebert_abi_version(void)</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "edgebert_abi_version")]
    public static int AbiVersionExport() => AbiVersion;
}
