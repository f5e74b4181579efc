using System.Reflection;

namespace EdgeBert.Cli;

/// <summary>How this binary was built: NativeAOT or JIT, and the instruction-set level baked in at publish time.</summary>
internal static class BuildInfo
{
    /// <summary>Key of the <see cref="AssemblyMetadataAttribute"/> that EdgeBert.Cli.csproj sets from the IlcInstructionSet property.</summary>
    internal const string InstructionSetKey = "EdgeBert.IlcInstructionSet";

    /// <summary>The product version (from the assembly).</summary>
    internal static string Version => typeof(BuildInfo).Assembly.GetName().Version?.ToString(3) ?? "unknown";

    /// <summary>
    /// True under NativeAOT. The JIT has compiled methods by the time anything runs;
    /// <c>RuntimeFeature.IsDynamicCodeSupported</c> cannot tell, because PublishAot makes it
    /// false under <c>dotnet run</c> too.
    /// </summary>
    internal static bool IsNativeAot => System.Runtime.JitInfo.GetCompiledMethodCount() == 0;

    /// <summary>The IlcInstructionSet the binary was published with (e.g. x86-64-v3), or null when none was given.</summary>
    internal static string? InstructionSet =>
        typeof(BuildInfo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == InstructionSetKey)?.Value is { Length: > 0 } value ? value : null;
}
