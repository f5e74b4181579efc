using BenchmarkDotNet.Attributes;
using EdgeBert.Kernels;
using EdgeBert.Kernels.Float;
using EdgeBert.Kernels.Integer;

namespace EdgeBert.Benchmarks.Kernels;

/// <summary>
/// W8A8 GEMM at BERT-base shapes, one thread, float epilogue: one benchmark per implementation
/// (scalar is the baseline) and the active FP32 SGEMM on the same shape for comparison.
/// </summary>
[Config(typeof(KernelBenchmarkConfig))]
public class Int8GemmBenchmarks
{
    private sbyte[] _x = [];
    private float[] _xScales = [], _bias = [], _y = [], _xf = [];
    private PackedInt8Weights? _weights;
    private PackedSgemmWeights? _fp32;
    private int _k, _n;

    /// <summary>K×N of the weight.</summary>
    [Params("768x768", "768x3072", "3072x768")]
    public string Shape { get; set; } = "768x768";

    /// <summary>Random int8 weights and activations.</summary>
    [GlobalSetup]
    public void Setup()
    {
        (_k, _n) = MacsPerSecondColumn.ParseShape(Shape);
        var rng = new Random(42);
        int stride = (_k + 63) / 64 * 64;
        var w = new sbyte[_n * stride];
        for (int r = 0; r < _n; r++) for (int p = 0; p < _k; p++) w[r * stride + p] = (sbyte)rng.Next(-127, 128);
        _weights = PackedInt8Weights.Pack(w, _n, _k, [0.01f]);
        _x = Enumerable.Range(0, MacsPerSecondColumn.M * _k).Select(_ => (sbyte)rng.Next(-127, 128)).ToArray();
        _xScales = Enumerable.Repeat(0.02f, MacsPerSecondColumn.M).ToArray();
        _bias = new float[_n];
        _y = new float[MacsPerSecondColumn.M * _n];
        _xf = _x.Select(v => (float)v).ToArray();
        _fp32 = Sgemm.Active.Pack(w.Select(v => (float)v).Where((_, i) => i % stride < _k).ToArray(), _n, _k);
    }

    private void Run(KernelIsa isa, bool specialized) =>
        Int8Gemm.Create(isa, specialized).Multiply(_weights!, _x, MacsPerSecondColumn.M, _k, _xScales, _bias, _y, _n, 1);

    /// <summary>Scalar reference (baseline).</summary>
    [Benchmark(Baseline = true)]
    public void Scalar() => Run(KernelIsa.Scalar, false);

    /// <summary>Vector128 family as the registry builds it (x86: SSE4.1 <c>pmaddwd</c>).</summary>
    [Benchmark]
    public void Vector128() => Run(KernelIsa.Vector128, true);

    /// <summary>Portable Vector128 (int16 widening), the non-x86 fallback.</summary>
    [Benchmark]
    public void Vector128Portable() => Run(KernelIsa.Vector128, false);

    /// <summary>AVX2 <c>vpmaddwd</c> on sign-extended int16.</summary>
    [Benchmark]
    public void Avx2MaddWd() => Run(KernelIsa.Avx2, false);

    /// <summary>AVX-VNNI <c>vpdpbusd</c> with +128 compensation.</summary>
    [Benchmark]
    public void AvxVnni()
    {
        if (!System.Runtime.Intrinsics.X86.AvxVnni.IsSupported) throw new PlatformNotSupportedException("AVX-VNNI");
        Run(KernelIsa.Avx2, true);
    }

    /// <summary>AVX-512BW <c>vpmaddwd</c>.</summary>
    [Benchmark]
    public void Avx512() => Run(KernelIsa.Avx512, false);

    /// <summary>FP32 SGEMM (active ISA) on the same shape.</summary>
    [Benchmark]
    public void Fp32Sgemm() => Sgemm.Active.Linear(_fp32!, _xf, MacsPerSecondColumn.M, _bias, _y, 1);
}
