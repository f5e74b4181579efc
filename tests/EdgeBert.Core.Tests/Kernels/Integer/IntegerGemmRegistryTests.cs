using System.Runtime.Intrinsics.Arm;
using EdgeBert.Kernels;
using EdgeBert.Kernels.Integer;

namespace EdgeBert.Core.Tests.Kernels.Integer;

[Category("Kernels")]
public class IntegerGemmRegistryTests
{
    [Test]
    public void ActiveImplementationsAreSupportedAndNamed()
    {
        var int8 = Int8Gemm.Active;
        var ternary = TernaryGemm.Active;
        Assert.That(KernelIsaSelector.IsSupported(int8.Isa), Is.True, int8.ToString());
        Assert.That(ternary.Isa, Is.EqualTo(ExpectedIntegerIsa(KernelIsaSelector.Active)), ternary.ToString());
        Assert.That(int8.ToString(), Does.Contain(int8.Isa.ToString()));
    }

    /// <summary>
    /// On ARM without the dot-product extension (Cortex-A72, Raspberry Pi 4) the AdvSimd family's
    /// integer GEMMs are the portable Vector128 kernels: the SDOT panels need Dp.
    /// </summary>
    [Test]
    public void AdvSimdWithoutDotProductUsesThePortableKernel()
    {
        if (!KernelIsaSelector.IsSupported(KernelIsa.AdvSimd)) Assert.Ignore("AdvSimd is not supported here.");
        var expected = ExpectedIntegerIsa(KernelIsa.AdvSimd);
        Assert.That(Int8Gemm.Create(KernelIsa.AdvSimd).Isa, Is.EqualTo(expected), $"Dp supported: {Dp.IsSupported}");
        Assert.That(TernaryGemm.Create(KernelIsa.AdvSimd).Isa, Is.EqualTo(expected), $"Dp supported: {Dp.IsSupported}");
    }

    private static KernelIsa ExpectedIntegerIsa(KernelIsa family) =>
        family == KernelIsa.AdvSimd && !Dp.IsSupported ? KernelIsa.Vector128 : family;
}
