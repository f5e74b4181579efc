using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using CommunityToolkit.HighPerformance;
using EdgeBert.Kernels;
using EdgeBert.Kernels.Binary;
using EdgeBert.Kernels.Packing;

namespace EdgeBert.Benchmarks.Kernels;

/// <summary>Bit-serial W1A4 and W1A8 at BERT-base shapes, one thread, per instruction set.</summary>
[Config(typeof(Config))]
public class BinaryBitSerialGemmBenchmarks : BinaryGemmBenchmarkBase
{
    private ulong[] _planes = [];
    private float[] _scale = [];
    private int[] _zeroPoint = [];
    private PackedBinaryWeights _weights = null!;

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new BinaryMacsColumn());
    }

    /// <summary>Activation bits: 4 (W1A4) or 8 (W1A8).</summary>
    [Params(4, 8)]
    public int Bits { get; set; } = 8;

    /// <summary>Quantizes random activations per token and packs them into planes (seed 3).</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(3);
        int m = BinaryGemmShapes.Tokens;
        float[] x = RandomFloats(rng, m * K);
        var codes = new byte[m * K];
        _scale = new float[m];
        _zeroPoint = new int[m];
        for (int t = 0; t < m; t++)
        {
            BitPlanePacking.Quantize(x.AsSpan(t * K, K), Bits, codes.AsSpan(t * K, K), out _scale[t], out _zeroPoint[t]);
        }
        _planes = new ulong[BitPlanePacking.MatrixWords(m, K, Bits)];
        BitPlanePacking.Pack(new ReadOnlySpan2D<byte>(codes, m, K), Bits, _planes);
        _weights = PackedBinaryWeights.FromFloat(new ReadOnlySpan2D<float>(RandomFloats(rng, N * K), N, K), [0.1f]);
        AllocateOutput();
    }

    private void Run(KernelIsa isa) =>
        BitSerialGemm.Create(isa).Multiply(_planes, BinaryGemmShapes.Tokens, Bits, _weights, _scale, _zeroPoint, default, OutputView, 1);

    /// <summary>The scalar reference.</summary>
    [Benchmark(Baseline = true)]
    public void Scalar() => Run(KernelIsa.Scalar);

    /// <summary>Portable Vector128.</summary>
    [Benchmark]
    public void Vector128() => Run(KernelIsa.Vector128);

    /// <summary>AVX2.</summary>
    [Benchmark]
    public void Avx2() => Run(KernelIsa.Avx2);

    /// <summary>AVX-512BW.</summary>
    [Benchmark]
    public void Avx512() => Run(KernelIsa.Avx512);

    /// <summary>ARM AdvSimd (NA on x86).</summary>
    [Benchmark]
    public void AdvSimd() => Run(KernelIsa.AdvSimd);
}
