using EdgeBert.Kernels.Integer;
using static EdgeBert.Core.Tests.Kernels.Integer.IntegerKernelVariants;

namespace EdgeBert.Core.Tests.Kernels.Integer;

[Category("Kernels")]
public class Int8GemmTests
{
    private static readonly int[] s_depths = [1, 63, 64, 65, 511, 512, 513, 768, 3072];

    public static IEnumerable<TestCaseData> Cases()
    {
        int seed = 1;
        foreach (string variant in Names)
        {
            foreach (int k in s_depths)
            {
                int m = seed % 3 == 0 ? 1 : 13, n = seed % 4 == 0 ? 1 : 37;
                yield return new TestCaseData(variant, m, n, k, 1 + 2 * (seed % 2), seed)
                    .SetName($"W8A8_{variant}_m{m}_n{n}_k{k}_seed{seed}");
                seed++;
            }
            yield return new TestCaseData(variant, 70, 50, 768, 3, seed).SetName($"W8A8_{variant}_m70_n50_k768_seed{seed}");
            seed++;
        }
    }

    /// <summary>Canonical i8 layout: row stride rounded up to 64 bytes, padding 0.</summary>
    internal static sbyte[] Canonical(sbyte[] w, int n, int k)
    {
        int stride = (k + 63) / 64 * 64;
        var c = new sbyte[n * stride];
        for (int r = 0; r < n; r++) Array.Copy(w, r * k, c, r * stride, k);
        return c;
    }

    private static int[] Oracle(sbyte[] x, int ldx, sbyte[] w, int m, int n, int k)
    {
        var acc = new int[m * n];
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            long s = 0;
            for (int p = 0; p < k; p++) s += x[i * ldx + p] * w[j * k + p];
            acc[i * n + j] = checked((int)s);
        }
        return acc;
    }

    [TestCaseSource(nameof(Cases))]
    public void MatchesOracleBitExact(string variant, int m, int n, int k, int threads, int seed)
    {
        var kernel = Int8(variant);
        var rng = new Random(seed);
        int ldx = k + 5;
        sbyte[] w = RandomInt8(rng, n * k), x = RandomInt8(rng, m * ldx);
        float[] ws = RandomScales(rng, n), xs = RandomScales(rng, m), bias = RandomScales(rng, n);
        var packed = PackedInt8Weights.Pack(Canonical(w, n, k), n, k, ws);
        int[] expected = Oracle(x, ldx, w, m, n, k);

        var acc = new int[m * n];
        kernel.MultiplyInt32(packed, x, m, ldx, acc, threads);
        Assert.That(acc, Is.EqualTo(expected), $"W8A8 {variant} int32 m={m} n={n} k={k} seed={seed}");

        var y = new float[m * n];
        kernel.Multiply(packed, x, m, ldx, xs, bias, y, n, threads);
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            float e = (float)expected[i * n + j] * (ws[j] * xs[i]) + bias[j];
            Assert.That(y[i * n + j], Is.EqualTo(e), $"W8A8 {variant} float ({i},{j}) m={m} n={n} k={k} seed={seed}");
        }
    }

    [TestCaseSource(typeof(IntegerKernelVariants), nameof(Names))]
    public void ExtremeValuesAtMaxKDoNotOverflow(string variant)
    {
        var kernel = Int8(variant);
        int k = PackedInt8Weights.MaxK, n = 3, m = 2;
        // Rows of w: all −128, all 127, alternating; tokens: all −128, all 127.
        var w = new sbyte[n * k];
        for (int p = 0; p < k; p++) { w[p] = -128; w[k + p] = 127; w[2 * k + p] = (sbyte)(p % 2 == 0 ? -128 : 127); }
        var x = new sbyte[m * k];
        for (int p = 0; p < k; p++) { x[p] = -128; x[k + p] = 127; }
        var packed = PackedInt8Weights.Pack(Canonical(w, n, k), n, k, [1f]);
        var acc = new int[m * n];
        kernel.MultiplyInt32(packed, x, m, k, acc, 1);
        Assert.That(acc, Is.EqualTo(Oracle(x, k, w, m, n, k)), $"W8A8 {variant} extremes k={k}");
        Assert.That(acc[0], Is.EqualTo(16384 * k));
    }

    [TestCaseSource(typeof(IntegerKernelVariants), nameof(Names))]
    public void RequantizeEqualsMultiplyThenQuantize(string variant)
    {
        var kernel = Int8(variant);
        var rng = new Random(77);
        int m = 9, n = 40, k = 100;
        sbyte[] w = RandomInt8(rng, n * k), x = RandomInt8(rng, m * k);
        float[] ws = RandomScales(rng, n), xs = RandomScales(rng, m), bias = RandomScales(rng, n);
        var packed = PackedInt8Weights.Pack(Canonical(w, n, k), n, k, ws);
        var y = new float[m * n];
        kernel.Multiply(packed, x, m, k, xs, bias, y, n, 1);
        var q = new sbyte[m * n];
        var s = new float[m];
        Int8Quantization.QuantizeSymmetric(y, m, n, n, q, n, s);
        var q2 = new sbyte[m * (n + 3)];
        var s2 = new float[m];
        kernel.MultiplyRequantize(packed, x, m, k, xs, bias, q2, n + 3, s2, 3);
        Assert.That(s2, Is.EqualTo(s), $"{variant} scales m={m} n={n} k={k} seed=77");
        for (int i = 0; i < m; i++)
            Assert.That(q2.AsSpan(i * (n + 3), n).ToArray(), Is.EqualTo(q.AsSpan(i * n, n).ToArray()), $"{variant} row {i}");
    }

    [Test]
    public void PackRoundTripsAndPerTensorScaleExpands()
    {
        var rng = new Random(3);
        int n = 19, k = 70;
        sbyte[] w = RandomInt8(rng, n * k);
        var packed = PackedInt8Weights.Pack(Canonical(w, n, k), n, k, [0.5f]);
        for (int r = 0; r < n; r++)
        for (int p = 0; p < k; p++)
            Assert.That(packed[r, p], Is.EqualTo(w[r * k + p]), $"({r},{p})");
        Assert.That(packed.Scales.Take(n), Is.All.EqualTo(0.5f));
        Assert.That(packed.ColumnSums[4], Is.EqualTo(w.Skip(4 * k).Take(k).Sum(v => (int)v)));
    }

    [Test]
    public void BadInputThrowsClearExceptions()
    {
        var ex = Assert.Throws<ArgumentException>(() => PackedInt8Weights.Pack(new sbyte[64], 2, 10, [1f]));
        Assert.That(ex!.Message, Does.Contain("[2, 10]").And.Contain("128"));
        Assert.Throws<ArgumentException>(() => PackedInt8Weights.Pack(new sbyte[128], 2, 10, [1f, 1f, 1f]));
        Assert.Throws<ArgumentException>(() => PackedInt8Weights.Pack(new sbyte[128], 2, 10, [1f, float.NaN]));
        Assert.Throws<ArgumentOutOfRangeException>(() => PackedInt8Weights.Pack(new sbyte[64], 1, PackedInt8Weights.MaxK + 1, [1f]));
        var packed = PackedInt8Weights.Pack(new sbyte[128], 2, 10, [1f]);
        var kernel = Int8Gemm.Active;
        Assert.Throws<ArgumentException>(() => kernel.Multiply(packed, new sbyte[19], 2, 10, [1f, 1f], [], new float[4], 2, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => kernel.Multiply(packed, new sbyte[20], 2, 9, [1f, 1f], [], new float[4], 2, 1));
        Assert.Throws<ArgumentException>(() => kernel.Multiply(packed, new sbyte[20], 2, 10, [1f], [], new float[4], 2, 1));
        Assert.Throws<ArgumentException>(() => kernel.Multiply(packed, new sbyte[20], 2, 10, [1f, 1f], [1f], new float[4], 2, 1));
        Assert.Throws<ArgumentException>(() => kernel.Multiply(packed, new sbyte[20], 2, 10, [1f, 1f], [], new float[3], 2, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => kernel.Multiply(packed, new sbyte[20], 2, 10, [1f, 1f], [], new float[4], 2, 0));
        foreach (var isa in Enum.GetValues<EdgeBert.Kernels.KernelIsa>().Where(i => !EdgeBert.Kernels.KernelIsaSelector.IsSupported(i)))
            Assert.Throws<PlatformNotSupportedException>(() => Int8Gemm.Create(isa), isa.ToString());
    }
}
