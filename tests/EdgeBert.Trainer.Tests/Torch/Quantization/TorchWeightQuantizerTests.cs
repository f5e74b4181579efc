using EdgeBert.Encoder.Quantization;
using EdgeBert.Trainer.Quantization;
using EdgeBert.Trainer.Torch.Quantization;
using static EdgeBert.Trainer.Tests.Torch.Quantization.TorchQuantizerTestData;

namespace EdgeBert.Trainer.Tests.Torch.Quantization;

/// <summary>
/// The TorchSharp weight quantizers against the Core quantizers (the packed codes and scales, bit
/// for bit) and their straight-through gradients, on random matrices with zeros, ±0, ±1, huge and tiny values.
/// </summary>
[TestFixture]
[Category("Torch")]
public sealed class TorchWeightQuantizerTests
{
    private static readonly int[][] s_shapes = [[1, 1], [3, 5], [16, 33], [64, 48]];

    private static IEnumerable<TestCaseData> Cases() =>
        s_shapes.SelectMany((shape, i) => new[] { true, false }.Select(extremes => new TestCaseData(shape, 11 * i + (extremes ? 1 : 0), extremes)));

    [TestCaseSource(nameof(Cases))]
    public void TernaryIsTheCoreTwnWithTheIdentitySte(int[] shape, int seed, bool extremes)
    {
        float[] w = Values(shape[0] * shape[1], seed, 0.05f, extremes);
        (float[] layer, float[] grad, float[] g) = Run(w, shape, TorchTernaryWeight.Apply, seed);
        AssertSte(g, grad, _ => true, "twn: identity STE");
        var codes = new sbyte[w.Length];
        float alpha = TernaryQuantizer.Ternarize(w, codes);
        AssertBits(codes.Select(c => alpha * c).ToArray(), layer, "twn vs Core");

        (float[] rows, grad, g) = Run(w, shape, TorchTernaryWeight.ApplyRows, seed);
        AssertSte(g, grad, _ => true, "twn rows: identity STE");
        var alphas = new float[shape[0]];
        TernaryQuantizer.TernarizeRows(w, shape[0], shape[1], codes, alphas);
        AssertBits(codes.Select((c, i) => alphas[i / shape[1]] * c).ToArray(), rows, "twn rows vs Core");
    }

    [TestCaseSource(nameof(Cases))]
    public void LossAwareTernaryIsTheLatAlternationWithTheIdentitySte(int[] shape, int seed, bool extremes)
    {
        float[] w = Values(shape[0] * shape[1], seed, 0.05f, extremes);
        float[] d = Values(w.Length, seed + 5, 1f, extremes: false).Select(v => MathF.Abs(v) + 0.1f).ToArray();
        foreach ((float[]? curvature, int iterations) in new[] { ((float[]?)null, LossAwareTernaryWeight.DefaultIterations), (d, 3) })
        {
            (float[] q, float[] grad, float[] g) = Run(w, shape, t => TorchTernaryWeight.ApplyLossAware(t, curvature, iterations), seed);
            var codes = new sbyte[w.Length];
            float alpha = LossAwareTernaryWeight.Ternarize(w, curvature, codes, iterations);
            AssertBits(codes.Select(c => alpha * c).ToArray(), q, $"lat ({iterations} iterations) vs the host alternation");
            AssertSte(g, grad, _ => true, "lat: identity STE");
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void BinaryIsTheCoreBwnAndBiBertBinarizerWithTheirStes(int[] shape, int seed, bool extremes)
    {
        float[] w = Values(shape[0] * shape[1], seed, 0.5f, extremes);
        (float[] matrix, float[] grad, float[] g) = Run(w, shape, TorchBinaryWeight.Bwn, seed);
        AssertSte(g, grad, _ => true, "bwn: identity STE");
        var negative = new bool[w.Length];
        float alpha = BwnQuantizer.Binarize(w, negative);
        AssertBits(negative.Select(n => n ? -alpha : alpha).ToArray(), matrix, "bwn vs Core");

        (float[] rows, grad, g) = Run(w, shape, TorchBinaryWeight.BwnRows, seed);
        AssertSte(g, grad, _ => true, "bwn rows: identity STE");
        var alphas = new float[shape[0]];
        BwnQuantizer.BinarizeRows(w, shape[0], shape[1], negative, alphas);
        AssertBits(negative.Select((n, i) => n ? -alphas[i / shape[1]] : alphas[i / shape[1]]).ToArray(), rows, "bwn rows vs Core");

        // Centred rows: the STE window 1[|w − mean| < 1] matters, so use weights of spread ~1.
        float[] wide = Values(w.Length, seed + 3, 1.5f, extremes);
        (float[] centred, grad, g) = Run(wide, shape, TorchBinaryWeight.CentredRows, seed);
        BinaryQuantizer.BinarizeRows(wide, shape[0], shape[1], negative, alphas);
        AssertBits(negative.Select((n, i) => n ? -alphas[i / shape[1]] : alphas[i / shape[1]]).ToArray(), centred, "bibert rows vs Core");
        // The hard-tanh STE around the row mean (the float mean the Core quantizer centres with).
        float[] means = [.. Enumerable.Range(0, shape[0]).Select(r => System.Numerics.Tensors.TensorPrimitives.Sum<float>(wide.AsSpan(r * shape[1], shape[1])) / shape[1])];
        for (int i = 0; i < wide.Length; i++)
        {
            float centredValue = MathF.Abs(wide[i] - means[i / shape[1]]);
            if (Math.Abs(centredValue - 1f) < 1e-5f || float.IsInfinity(centredValue)) continue; // at the window's edge the mean's last ulp decides
            Assert.That(grad[i], Is.EqualTo(centredValue < 1f ? g[i] : 0f), $"bibert rows: STE 1[|w − mean| < 1] at {i}");
        }
    }

    [Test]
    public void UniformRowsAreTheCoreInt8RowsAndTheSymmetricGridWithTheIdentitySte([Values(2, 3, 4, 8)] int bits, [Values(1, 2)] int seed)
    {
        int[] shape = [16, 33];
        float[] w = Values(shape[0] * shape[1], seed, 0.3f);
        int qmax = UniformWeight.MaxCode(bits);
        // Row 1: exact ties of the grid (max = Qmax, so w·Qmax/max = w): ±0.5, ±1.5, ... round to even.
        w[33] = qmax;
        for (int c = 1; c < 33; c++) w[33 + c] = (c % 2 == 0 ? -1 : 1) * (((c - 1) % qmax) + 0.5f);
        Array.Clear(w, 66, 33); // row 2: all zeros (scale 0)
        (float[] q, float[] grad, float[] g) = Run(w, shape, t => TorchUniformWeight.ApplyRows(t, bits), seed);
        AssertSte(g, grad, _ => true, $"uniform w{bits}: identity STE");
        if (bits != 8) AssertBits(UniformRows(w, shape[0], shape[1], bits), q, $"uniform w{bits} vs the grid"); // 8 bits: the Core rows below (+0 codes)
        if (bits == 8)
        {
            var codes = new sbyte[w.Length];
            var scales = new float[shape[0]];
            Int8RowQuantizer.QuantizeRows(w, shape[0], shape[1], codes, shape[1], scales);
            AssertBits(codes.Select((c, i) => scales[i / shape[1]] * c).ToArray(), q, "w8 vs Core");
        }
    }

    /// <summary>
    /// The symmetric per-row grid with the float steps of the Core's <c>Int8Quantization.QuantizeSymmetric</c>
    /// with 127 replaced by Qmax: scale = max|w_row|/Qmax, code = clamp(round(w·Qmax/max|w_row|), ±Qmax) (ties to even).
    /// </summary>
    private static float[] UniformRows(float[] w, int rows, int columns, int bits)
    {
        float qmax = UniformWeight.MaxCode(bits);
        var values = new float[w.Length];
        var tmp = new float[columns];
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = w.AsSpan(r * columns, columns);
            float absMax = Math.Abs(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(row));
            if (absMax == 0f) continue;
            System.Numerics.Tensors.TensorPrimitives.Multiply(row, qmax / absMax, tmp);
            System.Numerics.Tensors.TensorPrimitives.Round(tmp, tmp);
            System.Numerics.Tensors.TensorPrimitives.Max(tmp, -qmax, tmp);
            System.Numerics.Tensors.TensorPrimitives.Min(tmp, qmax, tmp);
            System.Numerics.Tensors.TensorPrimitives.Multiply(tmp, absMax / qmax, values.AsSpan(r * columns, columns));
        }
        return values;
    }

    [Test]
    public void NonFiniteOrNonMatrixWeightsAreRefused()
    {
        using var x = Make([1f, float.NaN, 2f, 3f], [2, 2]);
        Assert.Throws<ArgumentException>(() => TorchTernaryWeight.Apply(x));
        Assert.Throws<ArgumentException>(() => TorchBinaryWeight.CentredRows(x));
        Assert.Throws<ArgumentException>(() => TorchUniformWeight.ApplyRows(x, 8));
        using var vector = Make([1f, 2f], [2]);
        Assert.Throws<ArgumentException>(() => TorchTernaryWeight.ApplyRows(vector));
        Assert.Throws<ArgumentOutOfRangeException>(() => TorchUniformWeight.ApplyRows(vector, 9));
    }
}
