using System.Diagnostics;
using CommunityToolkit.HighPerformance;
using EdgeBert.Kernels;
using EdgeBert.Kernels.Binary;
using EdgeBert.Kernels.Float;
using EdgeBert.Kernels.Integer;
using EdgeBert.Kernels.Packing;

namespace EdgeBert.Cli.Bench;

/// <summary>
/// A quick, deterministic timing of every GEMM scheme's active kernel on one shape, for
/// <c>edgebert bench --kernels</c> and for comparing a NativeAOT binary with the JIT. Inputs are
/// seeded random data; each kernel is packed once, warmed up, then called repeatedly for a
/// fixed budget and its fastest call is kept (the least noisy statistic on a busy machine).
/// BenchmarkDotNet (benchmarks/) remains the reference for recorded results.
/// </summary>
public static class KernelQuickBench
{
    /// <summary>The BERT-base linear-layer shapes (K, N): attention projections, FFN in, FFN out.</summary>
    public static IReadOnlyList<(int K, int N)> BertBaseShapes { get; } = [(768, 768), (768, 3072), (3072, 768)];

    /// <summary>Times every scheme's active kernel at M×K×N on <paramref name="threads"/> threads.</summary>
    public static IReadOnlyList<KernelTiming> Run(int m, int k, int n, TimeSpan budgetPerKernel, int threads = 1, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(m, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        var random = new Random(seed);
        var weights = RandomFloats(random, n * k);
        var activations = RandomFloats(random, m * k);
        var bias = new float[n];
        var output = new float[m * n];
        var results = new List<KernelTiming>();

        // FP32: the baseline every ratio is taken against.
        var sgemm = Sgemm.Active;
        var packedF32 = sgemm.Pack(weights, n, k);
        results.Add(Time("fp32", sgemm.Isa.ToString(), m, k, n, budgetPerKernel,
            () => sgemm.Linear(packedF32, activations, m, bias, output, threads)));

        // int8 activations, per-token scales.
        var xq = new sbyte[m * k];
        var xScales = new float[m];
        Int8Quantization.QuantizeSymmetric(activations, m, k, k, xq, k, xScales);

        var int8 = Int8Gemm.Active;
        var wq = QuantizeRowsPadded(weights, n, k, out var wScales);
        var packedI8 = PackedInt8Weights.Pack(wq, n, k, wScales);
        results.Add(Time("w8a8", Describe(int8.Isa, int8.UsesVnni), m, k, n, budgetPerKernel,
            () => int8.Multiply(packedI8, xq, m, k, xScales, bias, output, n, threads)));

        var ternaryValues = Ternarize(weights);
        var ternaryGemm = TernaryGemm.Active;
        var codes = PackedTernaryCodes.PackValues(ternaryValues, n, k, [0.05f]);
        results.Add(Time("w2a8", Describe(ternaryGemm.Isa, ternaryGemm.UsesVnni), m, k, n, budgetPerKernel,
            () => ternaryGemm.Multiply(codes, xq, m, k, xScales, bias, output, n, threads)));

        var weightSigns = new ulong[BinaryLayout.MatrixWords(n, k)];
        SignPacking.Pack(new ReadOnlySpan2D<float>(weights, n, k), weightSigns);
        var alpha = new float[n];
        Array.Fill(alpha, 0.05f);
        var binaryCodes = PackedTernaryCodes.PackBinary(weightSigns, n, k, alpha);
        results.Add(Time("w1a8-vnni", Describe(ternaryGemm.Isa, ternaryGemm.UsesVnni), m, k, n, budgetPerKernel,
            () => ternaryGemm.Multiply(binaryCodes, xq, m, k, xScales, bias, output, n, threads)));

        var binaryWeights = PackedBinaryWeights.FromCanonical(weightSigns, n, k, alpha);
        var bitSerial = BitSerialGemm.Active;
        foreach (int bits in (ReadOnlySpan<int>)[8, 4])
        {
            var planes = BitPlanes(random, m, k, bits);
            var tokenScales = new float[m];
            Array.Fill(tokenScales, 0.01f);
            results.Add(Time($"w1a{bits}-bitserial", bitSerial.Isa.ToString(), m, k, n, budgetPerKernel,
                () => bitSerial.Multiply(planes, m, bits, binaryWeights, tokenScales, default, bias, new Span2D<float>(output, m, n), threads)));
        }

        var activationSigns = new ulong[BinaryLayout.MatrixWords(m, k)];
        SignPacking.Pack(new ReadOnlySpan2D<float>(activations, m, k), activationSigns);

        var ternaryPlanes = new ulong[TernaryPacking.MatrixWords(n, k)];
        TernaryPacking.Pack(new ReadOnlySpan2D<sbyte>(ternaryValues, n, k), ternaryPlanes);
        var ternaryWeights = PackedTernaryWeights.FromCanonical(ternaryPlanes, n, k, [0.05f]);
        var w2a1 = TernaryBinaryGemm.Active;
        results.Add(Time("w2a1", w2a1.Isa.ToString(), m, k, n, budgetPerKernel,
            () => w2a1.Multiply(activationSigns, m, ternaryWeights, default, bias, new Span2D<float>(output, m, n), threads)));

        var w1a1 = BinaryGemm.Active;
        results.Add(Time("w1a1", $"{w1a1.Isa}/{w1a1.PopCountFor(k)}", m, k, n, budgetPerKernel,
            () => w1a1.Multiply(activationSigns, m, binaryWeights, default, bias, new Span2D<float>(output, m, n), threads)));
        // Every popcount side by side, so the per-shape choice (BinaryGemm.Create, PopCountMethod.PerShape) can be checked.
        foreach (var method in new[] { PopCountMethod.Lookup, PopCountMethod.HarleySeal, PopCountMethod.Sextet })
        {
            var forced = BinaryGemm.Create(w1a1.Isa, method);
            results.Add(Time($"w1a1-{method.ToString().ToLowerInvariant()}", $"{forced.Isa}/{forced.PopCountFor(k)}", m, k, n, budgetPerKernel,
                () => forced.Multiply(activationSigns, m, binaryWeights, default, bias, new Span2D<float>(output, m, n), threads)));
        }
        return results;
    }

    private static string Describe(KernelIsa isa, bool vnni) => vnni ? $"{isa}+VNNI" : isa.ToString();

    private static KernelTiming Time(string kernel, string implementation, int m, int k, int n, TimeSpan budget, Action call)
    {
        // Warm up for a whole budget too: under the JIT, tiered compilation promotes the kernel
        // loops to optimized code only after a number of calls and a delay.
        var warmUp = Stopwatch.StartNew();
        for (int i = 0; i < 3 || warmUp.Elapsed < budget; i++) call();
        double best = double.MaxValue;
        var total = Stopwatch.StartNew();
        int calls = 0;
        while (calls < 3 || total.Elapsed < budget)
        {
            long start = Stopwatch.GetTimestamp();
            call();
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            calls++;
        }
        return new KernelTiming(kernel, implementation, m, k, n, best);
    }

    private static float[] RandomFloats(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }

    /// <summary>Symmetric int8 per row, in the canonical i8 layout (rows padded to 64 bytes).</summary>
    private static sbyte[] QuantizeRowsPadded(float[] weights, int n, int k, out float[] scales)
    {
        int stride = (k + 63) / 64 * 64;
        var q = new sbyte[n * stride];
        scales = new float[n];
        Int8Quantization.QuantizeSymmetric(weights, n, k, k, q, stride, scales);
        return q;
    }

    /// <summary>TWN-style: zero where |w| is below 0.7·mean|w|, else the sign.</summary>
    private static sbyte[] Ternarize(float[] weights)
    {
        double meanAbs = 0;
        foreach (float w in weights) meanAbs += Math.Abs(w);
        float delta = (float)(0.7 * meanAbs / weights.Length);
        var values = new sbyte[weights.Length];
        for (int i = 0; i < weights.Length; i++)
        {
            values[i] = Math.Abs(weights[i]) <= delta ? (sbyte)0 : weights[i] < 0 ? (sbyte)-1 : (sbyte)1;
        }
        return values;
    }

    private static ulong[] BitPlanes(Random random, int m, int k, int bits)
    {
        var activationCodes = new byte[m * k];
        random.NextBytes(activationCodes);
        byte mask = (byte)((1 << bits) - 1);
        for (int i = 0; i < activationCodes.Length; i++) activationCodes[i] &= mask;
        var planes = new ulong[BitPlanePacking.MatrixWords(m, k, bits)];
        BitPlanePacking.Pack(new ReadOnlySpan2D<byte>(activationCodes, m, k), bits, planes);
        return planes;
    }
}
