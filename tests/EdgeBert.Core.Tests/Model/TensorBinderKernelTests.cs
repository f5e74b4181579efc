using EdgeBert.Encoder;
using EdgeBert.Format;
using EdgeBert.Kernels;
using EdgeBert.Kernels.Integer;

namespace EdgeBert.Core.Tests.Model;

/// <summary>The kernels a loaded model's layers run are the ones the registries (and <c>edgebert info</c>) name.</summary>
[Category("Kernels")]
public class TensorBinderKernelTests
{
    /// <summary>
    /// A W8A8 layer runs <see cref="Int8Gemm.For"/> of the model's instruction-set family: on an
    /// AVX-512 CPU with AVX-VNNI that is the 256-bit VNNI kernel, as <see cref="Int8Gemm.Active"/>
    /// says, not the AVX-512 <c>vpmaddwd</c> kernel (which it was until 2026-12-04, at half the speed).
    /// </summary>
    [Test]
    public void W8A8LayersRunTheKernelInt8GemmForNames()
    {
        var spec = new RandomModelSpec { Scheme = LinearScheme.W8A8 };
        using var file = EbmFile.Load(RandomModels.Build(spec));
        foreach (var isa in KernelIsaSelector.Supported)
        {
            var binder = new TensorBinder(file, isa);
            var linear = binder.Linear("layer.0.attention.query", LinearScheme.W8A8, spec.Hidden, spec.Hidden);
            var gemm = ((IntegerLinear<PackedInt8Weights>)linear).Gemm;
            var expected = Int8Gemm.For(isa);
            Assert.That((gemm.Isa, gemm.UsesVnni, gemm.GetType()), Is.EqualTo((expected.Isa, expected.UsesVnni, expected.GetType())), isa.ToString());
        }
        var active = new TensorBinder(file, KernelIsaSelector.Active).Linear("layer.0.ffn.in", LinearScheme.W8A8, spec.Ffn, spec.Hidden);
        Assert.That(((IntegerLinear<PackedInt8Weights>)active).Gemm.ToString(), Is.EqualTo(Int8Gemm.Active.ToString()));
    }

    [Test]
    public void Int8GemmForPrefersVnniOnAvx512()
    {
        Assert.That(Int8Gemm.For(KernelIsaSelector.Active).ToString(), Is.EqualTo(Int8Gemm.Active.ToString()));
        if (!KernelIsaSelector.IsSupported(KernelIsa.Avx512) || !System.Runtime.Intrinsics.X86.AvxVnni.IsSupported || !KernelIsaSelector.IsSupported(KernelIsa.Avx2))
            Assert.Ignore("Needs AVX-512 and AVX-VNNI.");
        var gemm = Int8Gemm.For(KernelIsa.Avx512);
        Assert.That((gemm.Isa, gemm.UsesVnni), Is.EqualTo((KernelIsa.Avx2, true)));
        Assert.That(Int8Gemm.Create(KernelIsa.Avx512).UsesVnni, Is.False, "Create still gives the AVX-512 kernel (kernel tests)");
    }
}
