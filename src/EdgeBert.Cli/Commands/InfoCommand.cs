using System.CommandLine;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using EdgeBert.Format;
using EdgeBert.Kernels;
using EdgeBert.Kernels.Binary;
using EdgeBert.Kernels.Float;
using EdgeBert.Kernels.Integer;

namespace EdgeBert.Cli.Commands;

/// <summary>
/// <c>edgebert info</c>: version, how the binary was built, the kernel chosen for every scheme
/// and the CPU features the process sees, so a user can tell what a given binary can use
/// (a x86-64-v2 build on an AVX-512 machine says so instead of silently running slower).
/// </summary>
internal static class InfoCommand
{
    internal static Command Create()
    {
        var command = new Command("info", "Print the version, the build, the kernel chosen per scheme and the CPU features.");
        command.SetAction(parseResult =>
        {
            Write(parseResult.InvocationConfiguration.Output);
            return Program.ExitOk;
        });
        return command;
    }

    private static void Write(TextWriter o)
    {
        o.WriteLine($"edgebert {BuildInfo.Version}");
        o.WriteLine($"build: {(BuildInfo.IsNativeAot ? "NativeAOT" : "JIT")}, {RuntimeInformation.RuntimeIdentifier}, " +
            $"instruction set {BuildInfo.InstructionSet ?? "not recorded (JIT or default publish)"}");
        if (CpuVariant.Describe() is { } variant) o.WriteLine(variant);
        o.WriteLine($"kernel isa: {KernelIsaSelector.Active} (supported: {string.Join(", ", KernelIsaSelector.Supported)}; " +
            $"best: {KernelIsaSelector.Best}{(Environment.GetEnvironmentVariable(KernelIsaSelector.EnvironmentVariable) is { } forced ? $"; {KernelIsaSelector.EnvironmentVariable}={forced}" : "")})");
        o.WriteLine($"model format: version {EbmFile.SupportedFormatVersion}, packing version {EbmFile.SupportedPackingVersion}");
        o.WriteLine("kernels:");
        foreach (var (scheme, kernel) in Kernels()) o.WriteLine($"  {scheme,-6} {kernel}");
        o.WriteLine($"cpu features: {string.Join(" ", CpuFeatures().Select(f => $"{f.Name}{(f.Supported ? "+" : "-")}"))}");
        if (CpuUpgradeHint.ForThisMachine() is { } hint) o.WriteLine(hint);
    }

    /// <summary>The implementation each scheme's GEMM resolves to in this process.</summary>
    internal static IEnumerable<(string Scheme, string Kernel)> Kernels()
    {
        yield return ("fp32", $"{Sgemm.Active.Isa}");
        yield return ("w8a8", Describe(Int8Gemm.Active.Isa, Int8Gemm.Active.UsesVnni));
        yield return ("w2a8", Describe(TernaryGemm.Active.Isa, TernaryGemm.Active.UsesVnni));
        yield return ("w1a8", $"ternary-code kernel {Describe(TernaryGemm.Active.Isa, TernaryGemm.Active.UsesVnni)}; bit-serial kernel {BitSerialGemm.Active.Isa}");
        yield return ("w1a4", $"{BitSerialGemm.Active.Isa} (bit-serial)");
        yield return ("w1a1", $"{BinaryGemm.Active.Isa} (XNOR + popcount: {BinaryGemm.Active.PopCountFor(768)} at K 768, {BinaryGemm.Active.PopCountFor(3072)} at K 3072)");
        yield return ("w2a1", $"{TernaryBinaryGemm.Active.Isa} (ternary x binary popcount)");
    }

    private static string Describe(KernelIsa isa, bool vnni) => vnni ? $"{isa}+VNNI" : $"{isa}";

    /// <summary>
    /// The instruction-set extensions of the process's architecture and whether this process can
    /// execute them ("+": yes, "-": no): the x86 ones for an x64 process, AdvSimd and the dot
    /// product for an arm64 one (an emulated arm64 process is told nothing about its x86 host).
    /// </summary>
    internal static IEnumerable<(string Name, bool Supported)> CpuFeatures() =>
        CpuFeatures(RuntimeInformation.ProcessArchitecture);

    /// <summary>As <see cref="CpuFeatures()"/> for a process of <paramref name="architecture"/>.</summary>
    internal static IEnumerable<(string Name, bool Supported)> CpuFeatures(Architecture architecture)
    {
        if (architecture is Architecture.Arm64 or Architecture.Arm)
        {
            yield return ("advsimd", AdvSimd.IsSupported);
            yield return ("dotprod", Dp.IsSupported);
            yield break;
        }
        yield return ("avx512f", Avx512F.IsSupported);
        yield return ("avx512bw", Avx512BW.IsSupported);
        yield return ("avx512vbmi", Avx512Vbmi.IsSupported);
        yield return ("avxvnni", AvxVnni.IsSupported);
        yield return ("avx2", Avx2.IsSupported);
        yield return ("fma", Fma.IsSupported);
        yield return ("sse4.2", Sse42.IsSupported);
        yield return ("popcnt", Popcnt.IsSupported);
    }
}
