using System.Runtime.InteropServices;
using EdgeBert.Cli.Commands;

namespace EdgeBert.Cli.Tests.Commands;

public class CpuVariantTests
{
    [Test]
    public void NamesTheLaunchersChoiceAndReason()
    {
        Assert.That(CpuVariant.Describe("x86-64-v3", "forced by EDGEBERT_CPU_VARIANT=x86-64-v3 (this CPU supports x86-64-v4)", Architecture.X64),
            Is.EqualTo("cpu variant: x86-64-v3 (forced by EDGEBERT_CPU_VARIANT=x86-64-v3 (this CPU supports x86-64-v4))"));
    }

    [Test]
    public void SaysSoWhenStartedWithoutTheLauncher()
    {
        Assert.That(CpuVariant.Describe(null, null, Architecture.X64), Does.StartWith("cpu variant: none chosen").And.Contain("launcher"));
        Assert.That(CpuVariant.Describe("x86-64-v4", null, Architecture.X64), Is.EqualTo("cpu variant: x86-64-v4 (no reason given)"));
    }

    [Test]
    public void IsSilentOffX64()
    {
        Assert.That(CpuVariant.Describe("x86-64-v4", "best", Architecture.Arm64), Is.Null, "no x86 advice on a Raspberry Pi");
    }
}
