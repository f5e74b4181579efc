using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using EdgeBert.Cli.Commands;
using EdgeBert.Kernels;
using EdgeBert.Kernels.Binary;
using EdgeBert.Kernels.Float;
using EdgeBert.Kernels.Integer;

namespace EdgeBert.Cli.Tests.Commands;

public class InfoCommandTests
{
    [Test]
    public void PrintsVersionIsaAndFormatVersions()
    {
        var (exit, output, error) = CliRunner.Run("info");
        Assert.That(exit, Is.EqualTo(0), error);
        Assert.That(output, Does.StartWith("edgebert 0.1.0"));
        Assert.That(output, Does.Contain($"kernel isa: {KernelIsaSelector.Active}"));
        Assert.That(output, Does.Contain("model format: version 1, packing version 1"));
        Assert.That(error, Is.Empty);
    }

    [Test]
    public void UnderTheTestHostTheBuildIsJitWithNoRecordedInstructionSet()
    {
        var (_, output, _) = CliRunner.Run("info");
        Assert.That(output, Does.Contain("build: JIT, linux-x64, instruction set not recorded").Or.Contain("build: JIT, linux-arm64, instruction set not recorded"));
    }

    [Test]
    public void EverySchemeNamesTheKernelThisProcessChose()
    {
        var (_, output, _) = CliRunner.Run("info");
        string Line(string scheme) => output.Split('\n').Single(l => l.StartsWith($"  {scheme} ", StringComparison.Ordinal)).TrimEnd();
        string vnni = Int8Gemm.Active.UsesVnni ? "+VNNI" : "";
        Assert.That(Line("fp32"), Does.EndWith($" {Sgemm.Active.Isa}"));
        Assert.That(Line("w8a8"), Does.EndWith($" {Int8Gemm.Active.Isa}{vnni}"));
        Assert.That(Line("w2a8"), Does.EndWith($" {TernaryGemm.Active.Isa}{(TernaryGemm.Active.UsesVnni ? "+VNNI" : "")}"));
        Assert.That(Line("w1a8"), Does.Contain($"bit-serial kernel {BitSerialGemm.Active.Isa}"));
        Assert.That(Line("w1a4"), Does.Contain($" {BitSerialGemm.Active.Isa} (bit-serial)"));
        Assert.That(Line("w1a1"), Does.Contain($" {BinaryGemm.Active.Isa} (XNOR + popcount: {BinaryGemm.Active.PopCountFor(768)} at K 768, {BinaryGemm.Active.PopCountFor(3072)} at K 3072)"));
        Assert.That(Line("w2a1"), Does.Contain($" {TernaryBinaryGemm.Active.Isa} "));
    }

    [Test]
    public void CpuFeaturesSayWhatTheProcessSees()
    {
        var (_, output, _) = CliRunner.Run("info");
        string line = output.Split('\n').Single(l => l.StartsWith("cpu features: ", StringComparison.Ordinal));
        string[] own = RuntimeInformation.ProcessArchitecture == Architecture.Arm64
            ? ["advsimd", "dotprod"]
            : ["avx512f", "avx512bw", "avx512vbmi", "avxvnni", "avx2", "fma", "sse4.2", "popcnt"];
        foreach (string feature in own)
        {
            Assert.That(line, Does.Match($@" {System.Text.RegularExpressions.Regex.Escape(feature)}[+-]"), feature);
        }
        if (RuntimeInformation.ProcessArchitecture == Architecture.X64)
        {
            Assert.That(line, Does.Contain($"avx2{(Avx2.IsSupported ? '+' : '-')}"));
            Assert.That(line, Does.Contain($"avx512bw{(Avx512BW.IsSupported ? '+' : '-')}"));
            Assert.That(line, Does.Contain($"popcnt{(Popcnt.IsSupported ? '+' : '-')}"));
        }
    }

    /// <summary>An arm64 process (a Pi, or qemu on an x86 host) lists only ARM features, an x64 one only x86 ones.</summary>
    [Test]
    public void EachArchitectureListsOnlyItsOwnFeatures()
    {
        var arm = InfoCommand.CpuFeatures(Architecture.Arm64).Select(f => f.Name).ToArray();
        var x64 = InfoCommand.CpuFeatures(Architecture.X64).Select(f => f.Name).ToArray();
        Assert.That(arm, Is.EqualTo(new[] { "advsimd", "dotprod" }));
        Assert.That(x64, Does.Contain("avx2").And.Contain("avx512bw").And.Not.Contain("advsimd").And.Not.Contain("dotprod"));
    }
}
