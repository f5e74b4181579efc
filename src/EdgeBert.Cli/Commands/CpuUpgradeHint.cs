namespace EdgeBert.Cli.Commands;

/// <summary>
/// Compares the CPU's flags (Linux /proc/cpuinfo) with what the process can execute, so
/// <c>edgebert info</c> says when a lower-level build leaves AVX2 or AVX-512 unused instead of
/// running slower in silence.
/// </summary>
internal static class CpuUpgradeHint
{
    /// <summary>The hint for this machine, or null when the process uses what the CPU has (or the flags cannot be read).</summary>
    internal static string? ForThisMachine()
    {
        const string cpuinfo = "/proc/cpuinfo";
        if (!OperatingSystem.IsLinux() || !File.Exists(cpuinfo)) return null;
        string? flags = File.ReadLines(cpuinfo).FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal));
        return flags is null ? null : From(flags, System.Runtime.Intrinsics.X86.Avx512BW.IsSupported, System.Runtime.Intrinsics.X86.Avx2.IsSupported);
    }

    /// <summary>The hint for a cpuinfo "flags" line and the process's AVX-512BW and AVX2 support.</summary>
    internal static string? From(string cpuinfoFlags, bool processAvx512, bool processAvx2)
    {
        var flags = new HashSet<string>(cpuinfoFlags.Split([' ', '\t', ':'], StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
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
}
