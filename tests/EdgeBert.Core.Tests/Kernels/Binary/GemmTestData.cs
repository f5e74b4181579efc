using CommunityToolkit.HighPerformance;
using EdgeBert.Core.Tests.Kernels.Packing;
using EdgeBert.Kernels;
using EdgeBert.Kernels.Binary;
using EdgeBert.Kernels.Packing;

namespace EdgeBert.Core.Tests.Kernels.Binary;

/// <summary>Shapes, random problems and comparisons shared by the popcount GEMM tests.</summary>
internal static class GemmTestData
{
    /// <summary>(M, N): single token, single output, odd sizes, several work items and panel groups, sign output over 3 words.</summary>
    public static readonly (int M, int N)[] Shapes = [(1, 1), (5, 13), (9, 50), (3, 130)];

    public static readonly int[] ThreadCounts = [1, 3];

    /// <summary>Every SIMD family this process can run (scalar is the oracle, not a candidate).</summary>
    public static IEnumerable<KernelIsa> SimdIsas => KernelIsaSelector.Supported.Where(i => i != KernelIsa.Scalar);

    /// <summary>
    /// Every SIMD family, supported here or not, crossed with <see cref="PackingTestData.EdgeK"/>: one test
    /// case per family, so a failure names it and an arm64 run shows its AdvSimd cases ran
    /// (unsupported families are skipped through <see cref="RequireSupported"/>).
    /// </summary>
    public static IEnumerable<TestCaseData> SimdIsaByEdgeK() =>
        from isa in Enum.GetValues<KernelIsa>()
        where isa != KernelIsa.Scalar
        from k in PackingTestData.EdgeK
        select new TestCaseData(isa, k);

    /// <summary>Skips the test when <paramref name="isa"/> cannot run in this process.</summary>
    public static void RequireSupported(KernelIsa isa)
    {
        if (!KernelIsaSelector.IsSupported(isa)) Assert.Ignore($"{isa} is not supported here.");
    }

    public static int SeedOf(int m, int n, int k) => 10_000 + k * 131 + m * 17 + n;

    /// <summary>Per-row scales, with one negative and (when N &gt; 2) one zero.</summary>
    public static float[] Alpha(Random rng, int n)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = 0.05f + rng.NextSingle();
        if (n > 1) a[1] = -a[1];
        if (n > 2) a[2] = 0f;
        return a;
    }

    public static float[] Positive(Random rng, int count)
    {
        var a = new float[count];
        for (int i = 0; i < count; i++) a[i] = 0.25f + rng.NextSingle();
        return a;
    }

    public static float[] Bias(Random rng, int count)
    {
        var a = new float[count];
        for (int i = 0; i < count; i++) a[i] = (rng.NextSingle() - 0.5f) * 8f;
        return a;
    }

    /// <summary>Packs float activations [M, K] by sign.</summary>
    public static ulong[] PackSigns(float[] a, int m, int k)
    {
        var packed = new ulong[BinaryLayout.MatrixWords(m, k)];
        SignPacking.Pack(new ReadOnlySpan2D<float>(a, m, k), packed);
        return packed;
    }

    /// <summary>Naive ±1 dot product of float rows by the packing convention (negative = -1).</summary>
    public static int SignDot(float[] a, int m, float[] w, int n, int k)
    {
        float dot = 0f;
        for (int i = 0; i < k; i++) dot += PackingTestData.Sign(a[m * k + i]) * (float)PackingTestData.Sign(w[n * k + i]);
        return (int)dot;
    }

    /// <summary>Biases that put token 0 of some channels exactly on the sign boundary alpha·dot + beta = 0.</summary>
    public static float[] BoundaryBeta(Random rng, float[] alpha, Func<int, int> dotOfToken0)
    {
        float[] beta = Bias(rng, alpha.Length);
        for (int n = 0; n < alpha.Length; n += 2) beta[n] = -(alpha[n] * dotOfToken0(n));
        return beta;
    }

    public static void AssertSameFloats(float[] expected, float[] actual, int m, int n, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]) && expected[i] != actual[i])
            {
                Assert.Fail($"{what}: y[{i / n}, {i % n}] = {actual[i]:R}, expected {expected[i]:R} (M={m}, N={n})");
            }
        }
    }

    public static void AssertSameWords(ulong[] expected, ulong[] actual, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            if (expected[i] != actual[i]) Assert.Fail($"{what}: word {i} is {actual[i]:X16}, expected {expected[i]:X16}");
        }
    }

    /// <summary>Checks packed sign output [M, N] bit by bit against a predicate (and padding = 0).</summary>
    public static void AssertSignBits(ulong[] packed, int m, int n, Func<int, int, bool> negative, string what) =>
        SignPackingTests.AssertBits(packed, m, n, negative, what);
}
