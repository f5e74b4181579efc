using EdgeBert.Kernels.Integer;
using static EdgeBert.Core.Tests.Kernels.Integer.IntegerKernelVariants;

namespace EdgeBert.Core.Tests.Kernels.Integer;

[Category("Kernels")]
public class TernaryGemmTests
{
    private static readonly int[] s_depths = [1, 63, 64, 65, 511, 512, 513, 768, 3072];

    public static IEnumerable<TestCaseData> Cases()
    {
        int seed = 1000;
        foreach (string variant in Names)
        {
            foreach (int k in s_depths)
            {
                int m = seed % 3 == 0 ? 1 : 11, n = seed % 4 == 0 ? 1 : 35;
                bool binary = seed % 2 == 0;
                yield return new TestCaseData(variant, m, n, k, binary, 1 + 2 * (seed % 2), seed)
                    .SetName($"{(binary ? "W1A8" : "W2A8")}_{variant}_m{m}_n{n}_k{k}_seed{seed}");
                seed++;
            }
            yield return new TestCaseData(variant, 70, 50, 4160, false, 3, seed).SetName($"W2A8_{variant}_m70_n50_k4160_seed{seed}");
            seed++;
        }
    }

    /// <summary>Canonical planes: per row ceil(k/64) words, stride rounded up to 8 words, bit k%64 of word k/64.</summary>
    internal static ulong[] TernaryPlanes(sbyte[] v, int n, int k)
    {
        int stride = (k + 63) / 64; // canonical: ceil(K/64) words per row
        var planes = new ulong[2 * n * stride];
        for (int r = 0; r < n; r++)
        for (int p = 0; p < k; p++)
        {
            ulong bit = 1UL << (p % 64);
            int word = r * stride + p / 64;
            if (v[r * k + p] < 0) planes[word] |= bit;
            if (v[r * k + p] != 0) planes[n * stride + word] |= bit;
        }
        return planes;
    }

    internal static ulong[] BinaryBits(sbyte[] v, int n, int k) => TernaryPlanes(v, n, k).AsSpan(0, n * ((k + 63) / 64)).ToArray();

    private static sbyte[] RandomWeights(Random rng, int count, bool binary)
    {
        var v = new sbyte[count];
        for (int i = 0; i < count; i++) v[i] = binary ? (sbyte)(rng.Next(2) * 2 - 1) : (sbyte)rng.Next(-1, 2);
        return v;
    }

    private static int[] Oracle(sbyte[] x, int ldx, sbyte[] w, int m, int n, int k)
    {
        var acc = new int[m * n];
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            int s = 0;
            for (int p = 0; p < k; p++) s += x[i * ldx + p] * w[j * k + p];
            acc[i * n + j] = s;
        }
        return acc;
    }

    private static PackedTernaryCodes Pack(sbyte[] w, int n, int k, bool binary, float[] scales) =>
        binary ? PackedTernaryCodes.PackBinary(BinaryBits(w, n, k), n, k, scales)
               : PackedTernaryCodes.PackTernary(TernaryPlanes(w, n, k), n, k, scales);

    [TestCaseSource(nameof(Cases))]
    public void MatchesOracleBitExact(string variant, int m, int n, int k, bool binary, int threads, int seed)
    {
        var kernel = Ternary(variant);
        var rng = new Random(seed);
        int ldx = k + 3;
        sbyte[] w = RandomWeights(rng, n * k, binary), x = RandomInt8(rng, m * ldx);
        float[] ws = RandomScales(rng, n), xs = RandomScales(rng, m), bias = RandomScales(rng, n);
        var packed = Pack(w, n, k, binary, ws);
        Assert.That(packed.IsBinary, Is.EqualTo(binary));
        int[] expected = Oracle(x, ldx, w, m, n, k);

        var acc = new int[m * n];
        kernel.MultiplyInt32(packed, x, m, ldx, acc, threads);
        Assert.That(acc, Is.EqualTo(expected), $"{variant} int32 binary={binary} m={m} n={n} k={k} seed={seed}");

        var y = new float[m * (n + 2)];
        kernel.Multiply(packed, x, m, ldx, xs, bias, y, n + 2, threads);
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            float e = (float)expected[i * n + j] * (ws[j] * xs[i]) + bias[j];
            Assert.That(y[i * (n + 2) + j], Is.EqualTo(e), $"{variant} float ({i},{j}) m={m} n={n} k={k} seed={seed}");
        }
    }

    [TestCaseSource(typeof(IntegerKernelVariants), nameof(Names))]
    public void ExtremeActivationsDoNotSaturateInt16(string variant)
    {
        // The vpmaddubsw worst case: codes 2 (w = +1) against −128 everywhere, and against 127;
        // K = 8192 spans many 256-K flushes. Binary all −1 (codes 0) checks the other end.
        var kernel = Ternary(variant);
        int k = 8192, n = 3, m = 3;
        var w = new sbyte[n * k];
        for (int p = 0; p < k; p++) { w[p] = 1; w[k + p] = -1; w[2 * k + p] = (sbyte)(p % 2 == 0 ? 1 : -1); }
        var x = new sbyte[m * k];
        for (int p = 0; p < k; p++) { x[p] = -128; x[k + p] = 127; x[2 * k + p] = (sbyte)(p % 2 == 0 ? -128 : 127); }
        var packed = PackedTernaryCodes.PackTernary(TernaryPlanes(w, n, k), n, k, [1f]);
        var acc = new int[m * n];
        kernel.MultiplyInt32(packed, x, m, k, acc, 1);
        Assert.That(acc, Is.EqualTo(Oracle(x, k, w, m, n, k)), $"{variant} extremes k={k}");
        Assert.That(acc[0], Is.EqualTo(-128 * k));
        var binaryPacked = PackedTernaryCodes.PackBinary(BinaryBits(w, n, k), n, k, [1f]);
        kernel.MultiplyInt32(binaryPacked, x, m, k, acc, 1);
        Assert.That(acc, Is.EqualTo(Oracle(x, k, w, m, n, k)), $"{variant} binary extremes k={k}");
    }

    [Test]
    public void PackingDecodesCanonicalLayouts()
    {
        var rng = new Random(5);
        int n = 21, k = 130;
        sbyte[] t = RandomWeights(rng, n * k, binary: false), b = RandomWeights(rng, n * k, binary: true);
        var pt = PackedTernaryCodes.PackTernary(TernaryPlanes(t, n, k), n, k, RandomScales(rng, n));
        var pb = PackedTernaryCodes.PackBinary(BinaryBits(b, n, k), n, k, [2f]);
        var pv = PackedTernaryCodes.PackValues(t, n, k, [2f]);
        for (int r = 0; r < n; r++)
        for (int p = 0; p < k; p++)
        {
            Assert.That(pt[r, p], Is.EqualTo(t[r * k + p]), $"ternary ({r},{p})");
            Assert.That(pv[r, p], Is.EqualTo(t[r * k + p]), $"values ({r},{p})");
            Assert.That(pb[r, p], Is.EqualTo(b[r * k + p]), $"binary ({r},{p})");
        }
        Assert.That(pt.Data, Is.EqualTo(pv.Data));
        Assert.That(pb.IsBinary, Is.True);
    }

    [Test]
    public void BadCanonicalInputThrowsClearExceptions()
    {
        int n = 2, k = 70, stride = 2; // canonical: ceil(70 / 64) words per row
        var planes = new ulong[2 * n * stride];
        planes[0] = 1; // sign bit on a zero value
        var ex = Assert.Throws<ArgumentException>(() => PackedTernaryCodes.PackTernary(planes, n, k, [1f]));
        Assert.That(ex!.Message, Does.Contain("row 0").And.Contain("sign bit"));

        planes = new ulong[2 * n * stride];
        planes[n * stride + 1] = 1UL << 6; // k = 70 is past the end of row 0
        ex = Assert.Throws<ArgumentException>(() => PackedTernaryCodes.PackTernary(planes, n, k, [1f]));
        Assert.That(ex!.Message, Does.Contain("padding"));

        ex = Assert.Throws<ArgumentException>(() => PackedTernaryCodes.PackTernary(new ulong[5], n, k, [1f]));
        Assert.That(ex!.Message, Does.Contain("[2, 70]").And.Contain("8"));
        var bits = new ulong[n * stride];
        bits[stride + 1] = 1UL << 6; // k = 70 is past the end of row 1
        Assert.Throws<ArgumentException>(() => PackedTernaryCodes.PackBinary(bits, n, k, [1f]));
        Assert.Throws<ArgumentException>(() => PackedTernaryCodes.PackBinary(new ulong[n * stride], n, k, [1f, 2f, 3f]));
        Assert.Throws<ArgumentException>(() => PackedTernaryCodes.PackValues([0, 2], 1, 2, [1f]));
        Assert.Throws<ArgumentOutOfRangeException>(() => PackedTernaryCodes.PackValues([], 0, 2, [1f]));
    }
}
