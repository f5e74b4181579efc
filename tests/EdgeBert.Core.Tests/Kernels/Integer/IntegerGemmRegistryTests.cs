using EdgeBert.Kernels.Integer;
using static EdgeBert.Core.Tests.Kernels.Integer.IntegerKernelVariants;

namespace EdgeBert.Core.Tests.Kernels.Integer;

[Category("Kernels")]
public class IntegerGemmRegistryTests
{
    [Test]
    public void ActiveImplementationsAreSupportedAndNamed()
    {
        var int8 = Int8Gemm.Active;
        var ternary = TernaryGemm.Active;
        Assert.That(EdgeBert.Kernels.KernelIsaSelector.IsSupported(int8.Isa), Is.True, int8.ToString());
        Assert.That(ternary.Isa, Is.EqualTo(EdgeBert.Kernels.KernelIsaSelector.Active), ternary.ToString());
        Assert.That(int8.ToString(), Does.Contain(int8.Isa.ToString()));
    }
}
