using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using CommunityToolkit.HighPerformance;
using EdgeBert.Kernels;
using EdgeBert.Kernels.Binary;
using EdgeBert.Kernels.Packing;

namespace EdgeBert.Benchmarks.Kernels;

/// <summary>
/// Random problems for the popcount GEMM benchmarks (fixed seed), shared by the three families.
/// </summary>
public abstract class BinaryGemmBenchmarkBase
{
    /// <summary>K×N, see <see cref="BinaryGemmShapes"/>.</summary>
    [ParamsSource(nameof(Shapes))]
    public string Shape { get; set; } = "768x768";

    /// <summary>The BERT-base shapes.</summary>
    public static IEnumerable<string> Shapes => BinaryGemmShapes.All;

    /// <summary>Input features.</summary>
    protected int K => BinaryGemmShapes.Parse(Shape).K;

    /// <summary>Output features.</summary>
    protected int N => BinaryGemmShapes.Parse(Shape).N;

    /// <summary>Output [M, N].</summary>
    protected float[] Output { get; private set; } = [];

    /// <summary>Uniform random floats in [-1, 1).</summary>
    protected static float[] RandomFloats(Random rng, int count)
    {
        var x = new float[count];
        for (int i = 0; i < count; i++) x[i] = rng.NextSingle() * 2f - 1f;
        return x;
    }

    /// <summary>Allocates the output.</summary>
    protected void AllocateOutput() => Output = new float[BinaryGemmShapes.Tokens * N];

    /// <summary>The output as a 2-D view.</summary>
    protected Span2D<float> OutputView => new(Output, BinaryGemmShapes.Tokens, N);

}

/// <summary>W1A1 xnor-popcount GEMM at BERT-base shapes, one thread, per instruction set.</summary>
[Config(typeof(Config))]
public class BinaryGemmBenchmarks : BinaryGemmBenchmarkBase
{
    private ulong[] _activations = [];
    private PackedBinaryWeights _weights = null!;

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new BinaryMacsColumn());
    }

    /// <summary>Builds random packed activations and weights (seed 1).</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        int m = BinaryGemmShapes.Tokens;
        _activations = new ulong[BinaryLayout.MatrixWords(m, K)];
        SignPacking.Pack(new ReadOnlySpan2D<float>(RandomFloats(rng, m * K), m, K), _activations);
        _weights = PackedBinaryWeights.FromFloat(new ReadOnlySpan2D<float>(RandomFloats(rng, N * K), N, K), [0.1f]);
        AllocateOutput();
    }

    private void Run(KernelIsa isa) =>
        BinaryGemm.Create(isa).Multiply(_activations, BinaryGemmShapes.Tokens, _weights, default, default, OutputView, 1);

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
