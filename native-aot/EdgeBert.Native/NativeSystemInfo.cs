using System.Reflection;
using System.Runtime.InteropServices;
using EdgeBert.Kernels;

namespace EdgeBert.Native;

/// <summary>Version strings and the one-line system description of <c>edgebert_system_info</c>.</summary>
public static class NativeSystemInfo
{
    /// <summary>ABI version of the C interface; bumped on any incompatible change to edgebert.h.</summary>
    public const int AbiVersion = 2;

    /// <summary>The library version (the assembly's, from Directory.Build.props).</summary>
    public static string Version { get; } =
        typeof(NativeSystemInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    /// <summary>
    /// One line for bug reports, e.g. <c>edgebert 0.1.0 abi 1; kernels Avx2 (supported: Scalar,
    /// Vector128, Avx2); cores 2; .NET 10.0.0; linux-x64</c>.
    /// </summary>
    public static string Describe() =>
        $"edgebert {Version} abi {AbiVersion}; kernels {KernelIsaSelector.Active} (supported: {string.Join(", ", KernelIsaSelector.Supported)}); " +
        $"cores {Environment.ProcessorCount}; {RuntimeInformation.FrameworkDescription}; {RuntimeInformation.RuntimeIdentifier}";
}
