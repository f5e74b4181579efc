using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace EdgeBert.Kernels;

/// <summary>
/// Decides, once per process, which <see cref="KernelIsa"/> the kernels use. The choice is the
/// widest family the CPU (and, under NativeAOT, the compiled instruction-set level) supports,
/// unless the environment variable <c>EDGEBERT_ISA</c> (<c>scalar</c>, <c>vector128</c>,
/// <c>advsimd</c>, <c>avx2</c>, <c>avx512</c>) asks for a narrower one. Tests and benchmarks may
/// also construct any supported implementation directly.
/// </summary>
public static class KernelIsaSelector
{
    /// <summary>Name of the environment variable that forces an instruction-set family.</summary>
    public const string EnvironmentVariable = "EDGEBERT_ISA";

    private static readonly Lazy<KernelIsa> s_active = new(ResolveFromEnvironment);

    /// <summary>The widest family this process can execute.</summary>
    public static KernelIsa Best
    {
        get
        {
            if (IsSupported(KernelIsa.Avx512)) return KernelIsa.Avx512;
            if (IsSupported(KernelIsa.Avx2)) return KernelIsa.Avx2;
            if (IsSupported(KernelIsa.AdvSimd)) return KernelIsa.AdvSimd;
            if (IsSupported(KernelIsa.Vector128)) return KernelIsa.Vector128;
            return KernelIsa.Scalar;
        }
    }

    /// <summary>
    /// The family in use: <see cref="Best"/>, or the one named by <c>EDGEBERT_ISA</c>.
    /// Resolved on first use and fixed for the life of the process.
    /// </summary>
    public static KernelIsa Active => s_active.Value;

    /// <summary>Whether <paramref name="isa"/> can run in this process.</summary>
    public static bool IsSupported(KernelIsa isa) => isa switch
    {
        KernelIsa.Scalar => true,
        KernelIsa.Vector128 => Vector128.IsHardwareAccelerated,
        KernelIsa.AdvSimd => AdvSimd.IsSupported,
        KernelIsa.Avx2 => Avx2.IsSupported && Fma.IsSupported,
        KernelIsa.Avx512 => Avx512F.IsSupported && Avx512BW.IsSupported,
        _ => false,
    };

    /// <summary>Every family that can run in this process, narrowest first.</summary>
    public static IReadOnlyList<KernelIsa> Supported { get; } =
        Enum.GetValues<KernelIsa>().Where(IsSupported).ToArray();

    /// <summary>
    /// Parses an <c>EDGEBERT_ISA</c> value. Returns false for an unknown name.
    /// </summary>
    public static bool TryParse(string? text, out KernelIsa isa)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "scalar": isa = KernelIsa.Scalar; return true;
            case "vector128": isa = KernelIsa.Vector128; return true;
            case "advsimd" or "neon": isa = KernelIsa.AdvSimd; return true;
            case "avx2": isa = KernelIsa.Avx2; return true;
            case "avx512": isa = KernelIsa.Avx512; return true;
            default: isa = KernelIsa.Scalar; return false;
        }
    }

    /// <summary>
    /// Applies a requested family: an unsupported request falls back to <see cref="Best"/>
    /// (the caller can compare and report), an unknown name throws.
    /// </summary>
    internal static KernelIsa Resolve(string? requested)
    {
        if (string.IsNullOrWhiteSpace(requested)) return Best;
        if (!TryParse(requested, out var isa))
        {
            throw new ArgumentException(
                $"{EnvironmentVariable}='{requested}' is not one of scalar, vector128, advsimd, avx2, avx512.");
        }
        return IsSupported(isa) ? isa : Best;
    }

    private static KernelIsa ResolveFromEnvironment() =>
        Resolve(Environment.GetEnvironmentVariable(EnvironmentVariable));
}
