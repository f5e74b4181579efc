using EdgeBert.Trainer.Autograd;

namespace EdgeBert.Trainer.Tests.Autograd;

/// <summary>The vectorised normal CDF behind GELU against a float64 erf.</summary>
[TestFixture]
public sealed class NormalCdfTests
{
    [TestCase(0.0, 0.0)]
    [TestCase(0.5, 0.5204998778130465)]
    [TestCase(1.0, 0.8427007929497149)]
    [TestCase(2.0, 0.9953222650189527)]
    [TestCase(3.0, 0.9999779095030014)]
    [TestCase(-1.5, -0.9661051464753108)]
    public void ReferenceErfMatchesTabulatedValues(double x, double expected) =>
        Assert.That(ErfReference.Of(x), Is.EqualTo(expected).Within(1e-14));

    [TestCase(3.0, 2.209049699858544e-05)]
    [TestCase(5.0, 1.5374597944280349e-12)]
    [TestCase(6.0, 2.1519736712498913e-17)]
    public void ReferenceErfcIsRelativelyAccurateInTheTail(double x, double expected) =>
        Assert.That(ErfReference.Complement(x), Is.EqualTo(expected).Within(1e-12 * expected));

    [Test]
    public void CdfIsAccurateAbsolutelyAndInTheNegativeTail()
    {
        // Every float in [-10, 10] on a 1e-3 grid, in uneven slices to exercise partial blocks.
        float[] x = Enumerable.Range(-10000, 20001).Select(i => i / 1000f).ToArray();
        var cdf = new float[x.Length];
        var scratch = new float[2 * NormalCdf.Block];
        for (int start = 0, size = 1; start < x.Length; start += size, size = (size * 7 + 97) % NormalCdf.Block + 1)
        {
            int n = Math.Min(size, x.Length - start);
            NormalCdf.Cdf(x.AsSpan(start, n), cdf.AsSpan(start, n), scratch);
        }

        for (int i = 0; i < x.Length; i++)
        {
            double exact = 0.5 * ErfReference.Complement(-x[i] / Math.Sqrt(2));
            Assert.That(cdf[i], Is.EqualTo(exact).Within(3e-7), $"Phi({x[i]}) absolute");
            if (x[i] < 0 && exact > 1e-30) Assert.That(cdf[i], Is.EqualTo(exact).Within(1e-5 * exact), $"Phi({x[i]}) relative");
        }
    }

    [Test]
    public void PdfMatchesTheFormula()
    {
        float[] x = [-4f, -1f, 0f, 0.3f, 2f];
        var pdf = new float[x.Length];
        NormalCdf.Pdf(x, pdf);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.That(pdf[i], Is.EqualTo(Math.Exp(-0.5 * x[i] * x[i]) / Math.Sqrt(2 * Math.PI)).Within(1e-7), $"phi({x[i]})");
        }
    }

    [Test]
    public void GeluOverManyBlocksMatchesReference()
    {
        // 5000 values: several blocks and a partial one, split over threads when allowed.
        Tensor x = Tensor.RandomUniform([5000], new Random(77), -6f, 6f);
        Tensor y = Ops.Gelu(x);
        for (int i = 0; i < x.Length; i++)
        {
            double v = x.Data[i];
            Assert.That(y.Data[i], Is.EqualTo(0.5 * v * (1 + ErfReference.Of(v / Math.Sqrt(2)))).Within(2e-6), $"Gelu({v}) seed 77");
        }
    }
}
