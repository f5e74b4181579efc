using EdgeBert.Kernels.Integer;

namespace EdgeBert.Core.Tests.Kernels.Integer;

[Category("Kernels")]
public class Int8QuantizationTests
{
    [Test]
    public void SymmetricMatchesScalarFormulaAndRoundTrips()
    {
        var rng = new Random(21);
        int rows = 5, cols = 300, ldq = 303;
        float[] x = Enumerable.Range(0, rows * cols).Select(_ => (float)(rng.NextDouble() * 8 - 4)).ToArray();
        for (int j = 0; j < cols; j++) x[2 * cols + j] = 0; // an all-zero row
        var q = new sbyte[rows * ldq];
        var scales = new float[rows];
        Int8Quantization.QuantizeSymmetric(x, rows, cols, cols, q, ldq, scales);
        for (int r = 0; r < rows; r++)
        {
            float absMax = 0;
            for (int j = 0; j < cols; j++) absMax = Math.Max(absMax, Math.Abs(x[r * cols + j]));
            Assert.That(scales[r], Is.EqualTo(absMax / 127f), $"scale row {r}");
            for (int j = 0; j < cols; j++)
            {
                int e = absMax == 0 ? 0 : (int)MathF.Round(x[r * cols + j] * (127f / absMax));
                Assert.That(q[r * ldq + j], Is.EqualTo(e), $"q ({r},{j}) seed=21");
                Assert.That(Math.Abs(q[r * ldq + j] * scales[r] - x[r * cols + j]), Is.LessThanOrEqualTo(scales[r] * 0.5001 + 1e-7));
            }
        }
        var back = new float[rows * cols];
        Int8Quantization.Dequantize(q, rows, cols, ldq, scales, [], back, cols);
        Assert.That(back[7], Is.EqualTo(q[7] * scales[0]));
    }

    /// <summary>The one-pass codes equal the TensorPrimitives pipeline (multiply, round to even, max −127, saturate), ties and clipping included.</summary>
    [TestCase(1, 0f)]
    [TestCase(31, 0f)]
    [TestCase(70, 2.5f)]
    [TestCase(768, 0f)]
    [TestCase(3072, 1.5f)]
    public void SymmetricEqualsTheElementwisePipeline(int cols, float clip)
    {
        var rng = new Random(cols);
        // absMax 127 makes the multiplier 1, so the halves below are exact ties.
        float[] x = Enumerable.Range(0, cols).Select(_ => (float)(Math.Round(rng.NextDouble() * 254 - 127) + (rng.Next(2) == 0 ? 0.5 : 0.25))).ToArray();
        x[0] = 127f;
        var q = new sbyte[cols];
        var scales = new float[1];
        Int8Quantization.QuantizeSymmetric(x, 1, cols, cols, q, cols, scales, clip > 0 ? clip : float.PositiveInfinity);
        float absMax = Math.Min(x.Max(Math.Abs), clip > 0 ? clip : float.PositiveInfinity);
        var tmp = new float[cols];
        var expected = new sbyte[cols];
        System.Numerics.Tensors.TensorPrimitives.Multiply(x, 127f / absMax, tmp);
        System.Numerics.Tensors.TensorPrimitives.Round(tmp, tmp);
        System.Numerics.Tensors.TensorPrimitives.Max(tmp, -127f, tmp);
        System.Numerics.Tensors.TensorPrimitives.ConvertSaturating<float, sbyte>(tmp, expected);
        Assert.That(q, Is.EqualTo(expected), $"cols={cols} clip={clip}");
    }

    /// <summary>Rows split over threads give the same codes and scales as one thread (rows are independent); a bad row is still an error naming it.</summary>
    [TestCase(1, 768, 2)]
    [TestCase(17, 300, 2)]
    [TestCase(128, 768, 2)]
    [TestCase(70, 3072, 3)]
    public void SymmetricOverThreadsEqualsOneThread(int rows, int cols, int threads)
    {
        var rng = new Random(rows * 31 + cols);
        float[] x = Enumerable.Range(0, rows * cols).Select(_ => (float)(rng.NextDouble() * 8 - 4)).ToArray();
        for (int j = 0; j < cols; j++) x[(rows / 2) * cols + j] = 0; // an all-zero row
        int ldq = cols + 5;
        var q1 = new sbyte[rows * ldq];
        var qN = Enumerable.Repeat((sbyte)99, rows * ldq).ToArray();
        var s1 = new float[rows];
        var sN = new float[rows];
        Int8Quantization.QuantizeSymmetric(x, rows, cols, cols, q1, ldq, s1);
        Int8Quantization.QuantizeSymmetric(x, rows, cols, cols, qN, ldq, sN, threads: threads);
        for (int r = 0; r < rows; r++)
        {
            Assert.That(qN.AsSpan(r * ldq, cols).ToArray(), Is.EqualTo(q1.AsSpan(r * ldq, cols).ToArray()), $"codes row {r}, threads {threads}");
        }
        Assert.That(sN, Is.EqualTo(s1), $"scales, threads {threads}");

        x[(rows - 1) * cols + cols / 2] = float.PositiveInfinity;
        var ex = Assert.Throws<ArgumentException>(() => Int8Quantization.QuantizeSymmetric(x, rows, cols, cols, qN, ldq, sN, threads: threads));
        Assert.That(ex!.Message, Does.Contain($"Row {rows - 1}"));
    }

    /// <summary>
    /// The scale comes from the largest magnitude wherever it sits (vector body or tail, negative
    /// or positive), and a NaN (either sign) or an infinity anywhere in a row is an error naming
    /// the row, on the vector paths as on the scalar tail.
    /// </summary>
    [TestCase(1)]
    [TestCase(31)]
    [TestCase(63)]
    [TestCase(64)]
    [TestCase(65)]
    [TestCase(200)]
    [TestCase(3072)]
    public void ScaleFindsTheLargestMagnitudeAndEveryNonFiniteValue(int cols)
    {
        var rng = new Random(cols + 7);
        foreach (int at in new[] { 0, cols / 2, cols - 1 })
        {
            float[] x = Enumerable.Range(0, 2 * cols).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            x[cols + at] = -5.5f;
            x[at] = -0f;
            var q = new sbyte[2 * cols];
            var scales = new float[2];
            Int8Quantization.QuantizeSymmetric(x, 2, cols, cols, q, cols, scales);
            float absMax0 = x.Take(cols).Max(Math.Abs);
            Assert.That(scales, Is.EqualTo(new[] { absMax0 / 127f, 5.5f / 127f }), $"cols {cols}, at {at}");
            Assert.That(q[cols + at], Is.EqualTo((sbyte)-127));

            foreach (float bad in new[] { float.NaN, -float.NaN, float.PositiveInfinity, float.NegativeInfinity })
            {
                float[] y = (float[])x.Clone();
                y[cols + at] = bad;
                var ex = Assert.Throws<ArgumentException>(() => Int8Quantization.QuantizeSymmetric(y, 2, cols, cols, q, cols, scales), $"{bad} at {at} of {cols}");
                Assert.That(ex!.Message, Does.Contain("Row 1"));
            }
        }
    }

    [Test]
    public void AsymmetricRoundTripsWithinHalfAStep()
    {
        var rng = new Random(22);
        int rows = 3, cols = 200;
        float[] x = Enumerable.Range(0, rows * cols).Select(i => (float)(rng.NextDouble() * 5 + (i < cols ? 1 : -2))).ToArray();
        var q = new sbyte[rows * cols];
        var scales = new float[rows];
        var zp = new int[rows];
        Int8Quantization.QuantizeAsymmetric(x, rows, cols, cols, q, cols, scales, zp);
        var back = new float[rows * cols];
        Int8Quantization.Dequantize(q, rows, cols, cols, scales, zp, back, cols);
        for (int i = 0; i < x.Length; i++)
            Assert.That(back[i], Is.EqualTo(x[i]).Within(scales[i / cols] * 0.5001 + 1e-6), $"asymmetric {i} seed=22");
        Assert.That(zp[0], Is.EqualTo(-128), "an all-positive row uses the range [0, max]");
    }

    [Test]
    public void NonFiniteRowIsAClearError()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            Int8Quantization.QuantizeSymmetric([1f, float.NaN, 2f, 3f], 2, 2, 2, new sbyte[4], 2, new float[2]));
        Assert.That(ex!.Message, Does.Contain("Row 0"));
        Assert.Throws<ArgumentException>(() =>
            Int8Quantization.QuantizeAsymmetric([1f, 2f, float.PositiveInfinity, 3f], 2, 2, 2, new sbyte[4], 2, new float[2], new int[2]));
        Assert.Throws<ArgumentException>(() =>
            Int8Quantization.QuantizeSymmetric([1f, 2f], 1, 2, 2, new sbyte[1], 2, new float[1]));
    }
}
