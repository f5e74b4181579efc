using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using CommunityToolkit.HighPerformance;
using EdgeBert.Kernels;
using EdgeBert.Kernels.Binary;
using EdgeBert.Kernels.Packing;

namespace EdgeBert.Benchmarks.Kernels;

/// <summary>W2A1 (ternary weights × binary activations) at BERT-base shapes, one thread, per instruction set.</summary>
[Config(typeof(Config))]
public class BinaryTernaryGemmBenchmarks : BinaryGemmBenchmarkBase
{
    private ulong[] _activations = [];
    private PackedTernaryWeights _weights = null!;

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new BinaryMacsColumn());
    }

    /// <summary>Builds random packed activations and ternary weights (about a third zeros; seed 2).</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(2);
        int m = BinaryGemmShapes.Tokens;
        _activations = new ulong[BinaryLayout.MatrixWords(m, K)];
        SignPacking.Pack(new ReadOnlySpan2D<float>(RandomFloats(rng, m * K), m, K), _activations);
        var w = new sbyte[N * K];
        for (int i = 0; i < w.Length; i++) w[i] = (sbyte)rng.Next(-1, 2);
        var canonical = new ulong[TernaryPacking.MatrixWords(N, K)];
        TernaryPacking.Pack(new ReadOnlySpan2D<sbyte>(w, N, K), canonical);
        _weights = PackedTernaryWeights.FromCanonical(canonical, N, K, [0.1f]);
        AllocateOutput();
    }

    private void Run(KernelIsa isa) =>
        TernaryBinaryGemm.Create(isa).Multiply(_activations, BinaryGemmShapes.Tokens, _weights, default, default, OutputView, 1);

    /// <summary>The scalar reference.</summary>
    [Benchmark(Baseline = true)]
    public void Scalar() => Run(KernelIsa.Scalar);

    /// <summary>Portable Vector128.</summary>
    [Benchmark]
    public void Vector128() => Run(KernelIsa.Vector128);

    /// <summary>AVX2.</summary>
    [Benchmark]
    public void Avx2() => Run(KernelIsa.Avx2);

    /// <summary>AVX-512BW with TernaryLogic.</summary>
    [Benchmark]
    public void Avx512() => Run(KernelIsa.Avx512);

    /// <summary>ARM AdvSimd (NA on x86).</summary>
    [Benchmark]
    public void AdvSimd() => Run(KernelIsa.AdvSimd);
}
