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
}
