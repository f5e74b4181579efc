using BenchmarkDotNet.Attributes;
using EdgeBert.Kernels;
using EdgeBert.Kernels.Float;
using EdgeBert.Kernels.Integer;

namespace EdgeBert.Benchmarks.Kernels;

/// <summary>
/// W2A8 (ternary) and W1A8 (binary through codes {0, 2}) GEMMs at BERT-base shapes, one thread:
/// one benchmark per implementation (scalar is the baseline) and FP32 SGEMM for comparison.
/// </summary>
[Config(typeof(KernelBenchmarkConfig))]
public class TernaryGemmBenchmarks
{
    private sbyte[] _x = [];
    private float[] _xScales = [], _y = [], _xf = [];
    private PackedTernaryCodes? _ternary, _binary;
    private PackedSgemmWeights? _fp32;
    private int _k, _n;

    /// <summary>K×N of the weight.</summary>
    [Params("768x768", "768x3072", "3072x768")]
    public string Shape { get; set; } = "768x768";

    /// <summary>Random ternary/binary weights and int8 activations.</summary>
    [GlobalSetup]
    public void Setup()
    {
        (_k, _n) = MacsPerSecondColumn.ParseShape(Shape);
        var rng = new Random(42);
        var values = Enumerable.Range(0, _n * _k).Select(_ => (sbyte)rng.Next(-1, 2)).ToArray();
        _ternary = PackedTernaryCodes.PackValues(values, _n, _k, [0.05f]);
        _binary = PackedTernaryCodes.PackValues(values.Select(v => v < 0 ? (sbyte)-1 : (sbyte)1).ToArray(), _n, _k, [0.05f]);
        _x = Enumerable.Range(0, MacsPerSecondColumn.M * _k).Select(_ => (sbyte)rng.Next(-127, 128)).ToArray();
        _xScales = Enumerable.Repeat(0.02f, MacsPerSecondColumn.M).ToArray();
        _y = new float[MacsPerSecondColumn.M * _n];
        _xf = _x.Select(v => (float)v).ToArray();
        _fp32 = Sgemm.Active.Pack(values.Select(v => (float)v).ToArray(), _n, _k);
    }

    private void Run(KernelIsa isa, bool specialized, PackedTernaryCodes weights) =>
        TernaryGemm.Create(isa, specialized).Multiply(weights, _x, MacsPerSecondColumn.M, _k, _xScales, [], _y, _n, 1);

    /// <summary>Scalar reference (baseline).</summary>
    [Benchmark(Baseline = true)]
    public void Scalar() => Run(KernelIsa.Scalar, false, _ternary!);

    /// <summary>Vector128 family as the registry builds it (x86: SSSE3 <c>pmaddubsw</c>).</summary>
    [Benchmark]
    public void Vector128() => Run(KernelIsa.Vector128, true, _ternary!);

    /// <summary>Portable Vector128 (int16 widening), the non-x86 fallback.</summary>
    [Benchmark]
    public void Vector128Portable() => Run(KernelIsa.Vector128, false, _ternary!);

    /// <summary>AVX2 <c>vpmaddubsw</c> with int16 sums flushed every 256 K.</summary>
    [Benchmark]
    public void Avx2MaddUbs() => Run(KernelIsa.Avx2, false, _ternary!);

    /// <summary>AVX-VNNI <c>vpdpbusd</c> on decoded codes.</summary>
    [Benchmark]
    public void AvxVnni()
    {
        if (!System.Runtime.Intrinsics.X86.AvxVnni.IsSupported) throw new PlatformNotSupportedException("AVX-VNNI");
        Run(KernelIsa.Avx2, true, _ternary!);
    }

    /// <summary>AVX-512BW <c>vpmaddubsw</c>.</summary>
    [Benchmark]
    public void Avx512() => Run(KernelIsa.Avx512, false, _ternary!);

    /// <summary>W1A8: binary weights as codes {0, 2} through the active implementation.</summary>
    [Benchmark]
    public void BinaryW1A8Active() =>
        TernaryGemm.Active.Multiply(_binary!, _x, MacsPerSecondColumn.M, _k, _xScales, [], _y, _n, 1);

    /// <summary>FP32 SGEMM (active ISA) on the same shape.</summary>
    [Benchmark]
    public void Fp32Sgemm() => Sgemm.Active.Linear(_fp32!, _xf, MacsPerSecondColumn.M, [], _y, 1);
}
