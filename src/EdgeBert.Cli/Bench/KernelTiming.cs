namespace EdgeBert.Cli.Bench;

/// <summary>One kernel's measured speed on one GEMM shape (activations M×K times weights K×N).</summary>
/// <param name="Kernel">Scheme name: fp32, w8a8, w2a8, w1a8-vnni, w1a8-bitserial, w1a4-bitserial, w2a1, w1a1.</param>
/// <param name="Implementation">The instruction-set path that ran (e.g. <c>Avx512</c>, <c>Avx2+VNNI</c>).</param>
/// <param name="M">Tokens.</param>
/// <param name="K">Reduction length.</param>
/// <param name="N">Output features.</param>
/// <param name="Milliseconds">Fastest observed time of one call.</param>
public sealed record KernelTiming(string Kernel, string Implementation, int M, int K, int N, double Milliseconds)
{
    /// <summary>Multiply-accumulates per call: M·K·N.</summary>
    public long Macs => (long)M * K * N;

    /// <summary>Throughput in 10⁹ multiply-accumulates per second (bit-MACs for the 1-bit kernels).</summary>
    public double GigaMacsPerSecond => Macs / (Milliseconds * 1e6);
}
