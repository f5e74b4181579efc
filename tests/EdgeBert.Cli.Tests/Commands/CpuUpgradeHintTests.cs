using System.Runtime.InteropServices;
using EdgeBert.Cli.Commands;

namespace EdgeBert.Cli.Tests.Commands;

public class CpuUpgradeHintTests
{
    private const string Avx512Cpu = "flags\t\t: fpu sse4_2 popcnt avx2 fma avx512f avx512bw avx512vl";
    private const string Avx2Cpu = "flags\t\t: fpu sse4_2 popcnt avx2 fma";
    private const string OldCpu = "flags\t\t: fpu sse4_2 popcnt";

    [Test]
    public void AnAvx512CpuRunningWithoutAvx512PointsToTheV4Build()
    {
        Assert.That(CpuUpgradeHint.From(Avx512Cpu, processAvx512: false, processAvx2: true), Does.Contain("AVX-512").And.EndWith("the x86-64-v4 build would"));
        Assert.That(CpuUpgradeHint.From(Avx512Cpu, processAvx512: false, processAvx2: false), Does.Contain("x86-64-v4"), "the larger gap is named");
    }

    [Test]
    public void AnAvx2CpuRunningWithoutAvx2PointsToTheV3Build() =>
        Assert.That(CpuUpgradeHint.From(Avx2Cpu, processAvx512: false, processAvx2: false), Does.Contain("AVX2/FMA").And.EndWith("the x86-64-v3 build would"));

    [TestCase(Avx512Cpu, true, true)]
    [TestCase(Avx2Cpu, false, true)]
    [TestCase(OldCpu, false, false)]
    [TestCase("", false, false)]
    public void NoHintWhenTheProcessUsesWhatTheCpuHas(string flags, bool avx512, bool avx2) =>
        Assert.That(CpuUpgradeHint.From(flags, avx512, avx2), Is.Null);

    [Test]
    public void AvxflagsPrefixesAreNotMistakenForTheFlags() =>
        Assert.That(CpuUpgradeHint.From("flags : avx2_fake fma_x avx512f_y", false, false), Is.Null);

    private static readonly string[] s_x86CpuInfo = ["processor\t: 0", "vendor_id\t: GenuineIntel", Avx512Cpu];
    private static readonly string[] s_pi5CpuInfo = ["processor\t: 0", "BogoMIPS\t: 108.00", "Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp"];
    private static readonly string[] s_pi4CpuInfo = ["processor\t: 0", "BogoMIPS\t: 108.00", "Features\t: fp asimd evtstrm crc32 cpuid"];

    /// <summary>qemu-user shows an emulated arm64 process the host's x86 /proc/cpuinfo: no x86 advice may come of it.</summary>
    [Test]
    public void AnArm64ProcessGetsNoX86AdviceFromTheHostsFlags()
    {
        Assert.That(CpuUpgradeHint.ForArchitecture(Architecture.Arm64, s_x86CpuInfo, false, false, false), Is.Null);
        Assert.That(CpuUpgradeHint.ForArchitecture(Architecture.Arm64, s_x86CpuInfo, false, false, true), Is.Null);
    }

    [Test]
    public void AnX64ProcessStillGetsTheX86Advice() =>
        Assert.That(CpuUpgradeHint.ForArchitecture(Architecture.X64, s_x86CpuInfo, false, true, false), Does.EndWith("the x86-64-v4 build would"));

    [Test]
    public void ADotProductCpuRunningWithoutDotProductPointsToThePi5Build()
    {
        Assert.That(CpuUpgradeHint.ForArchitecture(Architecture.Arm64, s_pi5CpuInfo, false, false, false),
            Does.Contain("asimddp").And.Contain("linux-arm64-pi5"));
        Assert.That(CpuUpgradeHint.ForArchitecture(Architecture.Arm64, s_pi5CpuInfo, false, false, true), Is.Null);
        Assert.That(CpuUpgradeHint.ForArchitecture(Architecture.Arm64, s_pi4CpuInfo, false, false, false), Is.Null, "a Pi 4 has no dot product to miss");
    }

    [Test]
    public void AnX64ProcessIgnoresArmFeatureLines() =>
        Assert.That(CpuUpgradeHint.ForArchitecture(Architecture.X64, s_pi5CpuInfo, false, false, false), Is.Null);
}
