using System.Runtime.InteropServices;

namespace EdgeBert.Cli.Commands;

/// <summary>
/// Which x86-64 build (x86-64-v2/v3/v4) the <c>bin/edgebert</c> launcher started and why, as it
/// passes them in <see cref="ChosenVariable"/> and <see cref="ReasonVariable"/>
/// (native-aot/variants/launcher.c), for <c>edgebert info</c>.
/// </summary>
internal static class CpuVariant
{
    /// <summary>The level the launcher chose, e.g. <c>x86-64-v4</c>.</summary>
    internal const string ChosenVariable = "EDGEBERT_CPU_VARIANT_CHOSEN";

    /// <summary>One line saying why, e.g. <c>the best level this CPU supports</c>.</summary>
    internal const string ReasonVariable = "EDGEBERT_CPU_VARIANT_REASON";

    /// <summary>The <c>cpu variant:</c> line for this process, or null off x86-64.</summary>
    internal static string? Describe() =>
        Describe(Environment.GetEnvironmentVariable(ChosenVariable), Environment.GetEnvironmentVariable(ReasonVariable),
            RuntimeInformation.ProcessArchitecture);

    /// <summary>The <c>cpu variant:</c> line for the launcher's variables and a process architecture.</summary>
    internal static string? Describe(string? chosen, string? reason, Architecture architecture)
    {
        if (architecture != Architecture.X64) return null;
        if (string.IsNullOrEmpty(chosen))
        {
            return "cpu variant: none chosen (this binary was started directly, not through the bin/edgebert launcher)";
        }
        return $"cpu variant: {chosen} ({(string.IsNullOrEmpty(reason) ? "no reason given" : reason)})";
    }
}
