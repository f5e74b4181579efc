using BenchmarkDotNet.Attributes;
using EdgeBert.Kernels;
using EdgeBert.Kernels.Float;

namespace EdgeBert.Benchmarks.Kernels;

/// <summary>
/// FP32 GEMM at BERT-base shapes, one thread: y[128, N] = x[128, K]·Wᵀ with pre-packed weights,
/// one benchmark per implementation (scalar is the baseline), plus the trainer's general
/// <c>Sgemm.Gemm</c> (which packs both operands per call). Peer: benchmarks/peers/openblas_sgemm.py.
/// An unsupported implementation throws PlatformNotSupportedException and is reported as failed.
/// </summary>
[Config(typeof(KernelBenchmarkConfig))]
public class SgemmBenchmarks
{
    private float[] _x = [], _w = [], _y = [];
    private int _k, _n;
    private readonly Dictionary<KernelIsa, (SgemmKernel Kernel, PackedSgemmWeights Weights)> _packed = [];

    /// <summary>K×N of the weight: attention projections, FFN in, FFN out.</summary>
    [Params("768x768", "768x3072", "3072x768")]
    public string Shape { get; set; } = "768x768";

    /// <summary>Creates random data and packs the weights for every supported implementation.</summary>
    [GlobalSetup]
    public void Setup()
    {
        (_k, _n) = MacsPerSecondColumn.ParseShape(Shape);
        var rng = new Random(42);
        _x = Enumerable.Range(0, MacsPerSecondColumn.M * _k).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        _w = Enumerable.Range(0, _n * _k).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        _y = new float[MacsPerSecondColumn.M * _n];
        foreach (var isa in KernelIsaSelector.Supported)
        {
            var kernel = Sgemm.Create(isa);
            _packed[isa] = (kernel, kernel.Pack(_w, _n, _k));
        }
    }

    private void Linear(KernelIsa isa)
    {
        if (!_packed.TryGetValue(isa, out var p)) throw new PlatformNotSupportedException($"{isa} is not supported here.");
        p.Kernel.Linear(p.Weights, _x, MacsPerSecondColumn.M, [], _y, 1);
    }

    /// <summary>Scalar reference (baseline).</summary>
    [Benchmark(Baseline = true)]
    public void Scalar() => Linear(KernelIsa.Scalar);

    /// <summary>Portable Vector128 4×8 micro-kernel.</summary>
    [Benchmark]
    public void Vector128() => Linear(KernelIsa.Vector128);

    /// <summary>AVX2 + FMA 6×16 micro-kernel.</summary>
    [Benchmark]
    public void Avx2() => Linear(KernelIsa.Avx2);

    /// <summary>AVX-512 12×32 micro-kernel.</summary>
    [Benchmark]
    public void Avx512() => Linear(KernelIsa.Avx512);

    /// <summary>The trainer's BLAS-like entry point (active ISA, packs A and B per call).</summary>
    [Benchmark]
    public void GemmActive() =>
        Sgemm.Gemm(false, true, MacsPerSecondColumn.M, _n, _k, 1f, _x, _k, _w, _k, 0f, _y, _n, 1);
}
