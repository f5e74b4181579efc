using System.Runtime.Intrinsics.X86;
using EdgeBert.Kernels;
using EdgeBert.Kernels.Integer;

namespace EdgeBert.Core.Tests.Kernels.Integer;

/// <summary>Every integer GEMM implementation, by name, including the forced portable Vector128 and non-VNNI AVX2 paths.</summary>
internal static class IntegerKernelVariants
{
    public static readonly string[] Names = ["Scalar", "Vector128", "Vector128Portable", "AdvSimd", "Avx2", "Avx2NoVnni", "Avx512"];

    public static IntegerGemmKernel<PackedInt8Weights> Int8(string name) => Pick(name, Int8Gemm.Create);

    public static IntegerGemmKernel<PackedTernaryCodes> Ternary(string name) => Pick(name, TernaryGemm.Create);

    private static T Pick<T>(string name, Func<KernelIsa, bool, T> create)
    {
        var (isa, vnni) = name switch
        {
            "Scalar" => (KernelIsa.Scalar, true),
            "Vector128" => (KernelIsa.Vector128, true),
            "Vector128Portable" => (KernelIsa.Vector128, false),
            "AdvSimd" => (KernelIsa.AdvSimd, true),
            "Avx2" => (KernelIsa.Avx2, true),
            "Avx2NoVnni" => (KernelIsa.Avx2, false),
            "Avx512" => (KernelIsa.Avx512, true),
            _ => throw new ArgumentException(name),
        };
        if (!KernelIsaSelector.IsSupported(isa)) Assert.Ignore($"{isa} is not supported here.");
        if (name == "Avx2" && !AvxVnni.IsSupported) Assert.Ignore("AVX-VNNI is not supported here (Avx2NoVnni covers this path).");
        return create(isa, vnni);
    }

    public static sbyte[] RandomInt8(Random rng, int count, int min = -128, int max = 127)
    {
        var v = new sbyte[count];
        for (int i = 0; i < count; i++) v[i] = (sbyte)rng.Next(min, max + 1);
        return v;
    }

    public static float[] RandomScales(Random rng, int count)
    {
        var v = new float[count];
        for (int i = 0; i < count; i++) v[i] = (float)(0.001 + rng.NextDouble() * 0.05);
        return v;
    }
}
