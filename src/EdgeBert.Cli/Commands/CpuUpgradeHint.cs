using System.Runtime.InteropServices;

namespace EdgeBert.Cli.Commands;

/// <summary>
/// Compares the CPU's features (Linux /proc/cpuinfo) with what the process can execute, so
/// <c>edgebert info</c> says when a lower-level build leaves AVX2, AVX-512 or the ARM dot-product
/// extension unused instead of running slower in silence. Advice is only ever given for the
/// architecture the process runs as: under emulation (qemu-user passes the host's x86 cpuinfo to an
/// arm64 process) the x86 flags say nothing about what the arm64 binary could use.
/// </summary>
internal static class CpuUpgradeHint
{
    /// <summary>The hint for this machine, or null when the process uses what the CPU has (or the features cannot be read).</summary>
    internal static string? ForThisMachine()
    {
        const string cpuinfo = "/proc/cpuinfo";
        if (!OperatingSystem.IsLinux() || !File.Exists(cpuinfo)) return null;
        return ForArchitecture(RuntimeInformation.ProcessArchitecture, File.ReadLines(cpuinfo),
            System.Runtime.Intrinsics.X86.Avx512BW.IsSupported, System.Runtime.Intrinsics.X86.Avx2.IsSupported,
            System.Runtime.Intrinsics.Arm.Dp.IsSupported);
    }

    /// <summary>
    /// The hint for a process of <paramref name="architecture"/> given the cpuinfo lines: x86
    /// advice from the first "flags" line for an x64 process, ARM advice from the first
    /// "Features" line for an arm64 process, nothing otherwise.
    /// </summary>
    internal static string? ForArchitecture(Architecture architecture, IEnumerable<string> cpuinfoLines,
        bool processAvx512, bool processAvx2, bool processDotProduct)
    {
        string? Line(string key) => cpuinfoLines.FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
        return architecture switch
        {
            Architecture.X64 => Line("flags") is { } flags ? From(flags, processAvx512, processAvx2) : null,
            Architecture.Arm64 => Line("Features") is { } features ? FromArm64(features, processDotProduct) : null,
            _ => null,
        };
    }

    /// <summary>The hint for a cpuinfo "flags" line and the process's AVX-512BW and AVX2 support.</summary>
    internal static string? From(string cpuinfoFlags, bool processAvx512, bool processAvx2)
    {
        var flags = Words(cpuinfoFlags);
        if (flags.Contains("avx512f") && flags.Contains("avx512bw") && !processAvx512)
        {
            return "note: this CPU has AVX-512 but this process cannot use it (a build below x86-64-v4, or disabled by DOTNET_Enable* settings); the x86-64-v4 build would";
        }
        if (flags.Contains("avx2") && flags.Contains("fma") && !processAvx2)
        {
            return "note: this CPU has AVX2/FMA but this process cannot use them (an x86-64-v2 or default build, or disabled by DOTNET_Enable* settings); the x86-64-v3 build would";
        }
        return null;
    }

    /// <summary>The hint for an arm64 cpuinfo "Features" line and the process's dot-product (SDOT) support.</summary>
    internal static string? FromArm64(string cpuinfoFeatures, bool processDotProduct) =>
        Words(cpuinfoFeatures).Contains("asimddp") && !processDotProduct
            ? "note: this CPU has the dot-product extension (asimddp) but this process cannot use it (an armv8-a build, or disabled by DOTNET_Enable* settings); the linux-arm64-pi5 build (armv8.2-a,dotprod) would"
            : null;

    private static HashSet<string> Words(string cpuinfoLine) =>
        new(cpuinfoLine.Split([' ', '\t', ':'], StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
}
