using EdgeBert.Encoder.Quantization;
using EdgeBert.Trainer.Quantization;
using EdgeBert.Trainer.Torch.Quantization;
using static EdgeBert.Trainer.Tests.Torch.Quantization.TorchQuantizerTestData;

namespace EdgeBert.Trainer.Tests.Torch.Quantization;

/// <summary>
/// The TorchSharp weight quantizers against the Core quantizers (the packed codes and scales, bit
/// for bit) and against the current trainer's autograd ops (forward bit for bit, STE gradients
/// equal), on random matrices with zeros, ±0, ±1, huge and tiny values.
/// </summary>
[TestFixture]
[Category("Torch")]
public sealed class TorchWeightQuantizerTests
{
    private static readonly int[][] s_shapes = [[1, 1], [3, 5], [16, 33], [64, 48]];

    private static IEnumerable<TestCaseData> Cases() =>
        s_shapes.SelectMany((shape, i) => new[] { true, false }.Select(extremes => new TestCaseData(shape, 11 * i + (extremes ? 1 : 0), extremes)));

    [TestCaseSource(nameof(Cases))]
    public void TernaryIsTheCoreTwnAndTheCurrentOp(int[] shape, int seed, bool extremes)
    {
        float[] w = Values(shape[0] * shape[1], seed, 0.05f, extremes);
        float[] layer = CompareWithCurrentTrainer(w, shape, TernaryWeight.Apply, TorchTernaryWeight.Apply, "twn", seed);
        var codes = new sbyte[w.Length];
        float alpha = TernaryQuantizer.Ternarize(w, codes);
        AssertBits(codes.Select(c => alpha * c).ToArray(), layer, "twn vs Core");

        float[] rows = CompareWithCurrentTrainer(w, shape, TernaryWeight.ApplyRows, TorchTernaryWeight.ApplyRows, "twn rows", seed);
        var alphas = new float[shape[0]];
        TernaryQuantizer.TernarizeRows(w, shape[0], shape[1], codes, alphas);
        AssertBits(codes.Select((c, i) => alphas[i / shape[1]] * c).ToArray(), rows, "twn rows vs Core");
    }

    [TestCaseSource(nameof(Cases))]
    public void LossAwareTernaryIsTheCurrentOp(int[] shape, int seed, bool extremes)
    {
        float[] w = Values(shape[0] * shape[1], seed, 0.05f, extremes);
        CompareWithCurrentTrainer(w, shape, t => LossAwareTernaryWeight.Apply(t), t => TorchTernaryWeight.ApplyLossAware(t), "lat", seed);
        float[] d = Values(w.Length, seed + 5, 1f, extremes: false).Select(v => MathF.Abs(v) + 0.1f).ToArray();
        CompareWithCurrentTrainer(w, shape, t => LossAwareTernaryWeight.Apply(t, d, 3), t => TorchTernaryWeight.ApplyLossAware(t, d, 3), "lat with curvature", seed);
    }

    [TestCaseSource(nameof(Cases))]
    public void BinaryIsTheCoreBwnAndBiBertBinarizerAndTheCurrentOps(int[] shape, int seed, bool extremes)
    {
        float[] w = Values(shape[0] * shape[1], seed, 0.5f, extremes);
        float[] matrix = CompareWithCurrentTrainer(w, shape, BinaryBertWeights.Bwn, TorchBinaryWeight.Bwn, "bwn", seed);
        CompareWithCurrentTrainer(w, shape, BinaryWeight.Apply, TorchBinaryWeight.Bwn, "bwn (progressive W1)", seed);
        var negative = new bool[w.Length];
        float alpha = BwnQuantizer.Binarize(w, negative);
        AssertBits(negative.Select(n => n ? -alpha : alpha).ToArray(), matrix, "bwn vs Core");

        float[] rows = CompareWithCurrentTrainer(w, shape, BinaryBertWeights.BwnRows, TorchBinaryWeight.BwnRows, "bwn rows", seed);
        var alphas = new float[shape[0]];
        BwnQuantizer.BinarizeRows(w, shape[0], shape[1], negative, alphas);
        AssertBits(negative.Select((n, i) => n ? -alphas[i / shape[1]] : alphas[i / shape[1]]).ToArray(), rows, "bwn rows vs Core");

        // Centred rows: the STE window 1[|w − mean| < 1] matters, so use weights of spread ~1.
        float[] wide = Values(w.Length, seed + 3, 1.5f, extremes);
        float[] centred = CompareWithCurrentTrainer(wide, shape, BinaryWeight.ApplyCentredRows, TorchBinaryWeight.CentredRows, "bibert rows", seed);
        BinaryQuantizer.BinarizeRows(wide, shape[0], shape[1], negative, alphas);
        AssertBits(negative.Select((n, i) => n ? -alphas[i / shape[1]] : alphas[i / shape[1]]).ToArray(), centred, "bibert rows vs Core");
    }

    [Test]
    public void UniformRowsAreTheCoreInt8RowsAndTheCurrentOp([Values(2, 3, 4, 8)] int bits, [Values(1, 2)] int seed)
    {
        int[] shape = [16, 33];
        float[] w = Values(shape[0] * shape[1], seed, 0.3f);
        int qmax = UniformWeight.MaxCode(bits);
        // Row 1: exact ties of the grid (max = Qmax, so w·Qmax/max = w): ±0.5, ±1.5, ... round to even.
        w[33] = qmax;
        for (int c = 1; c < 33; c++) w[33 + c] = (c % 2 == 0 ? -1 : 1) * (((c - 1) % qmax) + 0.5f);
        Array.Clear(w, 66, 33); // row 2: all zeros (scale 0)
        float[] q = CompareWithCurrentTrainer(w, shape, t => UniformWeight.ApplyRows(t, bits), t => TorchUniformWeight.ApplyRows(t, bits), $"uniform w{bits}", seed);
        if (bits == 8)
        {
            var codes = new sbyte[w.Length];
            var scales = new float[shape[0]];
            Int8RowQuantizer.QuantizeRows(w, shape[0], shape[1], codes, shape[1], scales);
            AssertBits(codes.Select((c, i) => scales[i / shape[1]] * c).ToArray(), q, "w8 vs Core");
        }
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
