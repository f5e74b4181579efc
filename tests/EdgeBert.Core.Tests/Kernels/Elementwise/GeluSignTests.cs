using EdgeBert.Kernels.Elementwise;

namespace EdgeBert.Core.Tests.Kernels.Elementwise;

/// <summary>
/// <see cref="GeluSign"/> must say exactly when the runtime's GELU is negative (the exhaustive
/// check over all float32 is benchmarks/gelu-sign-threshold; this keeps the boundaries tested
/// under every instruction-set mask, since <see cref="Gelu.Apply"/> picks its vector width from
/// the hardware).
/// </summary>
[Category("Kernels")]
public class GeluSignTests
{
    /// <summary>Inputs around both ends of the negative band and across the range, as float bit patterns.</summary>
    internal static float[] BoundaryInputs()
    {
        var values = new List<float>();
        uint ceiling = BitConverter.SingleToUInt32Bits(GeluSign.UnderflowCeiling);
        for (uint d = 0; d <= 1 << 16; d++)
        {
            values.Add(BitConverter.UInt32BitsToSingle(ceiling - d));      // toward 0 from the ceiling
            values.Add(BitConverter.UInt32BitsToSingle(ceiling + d));      // deeper into the underflow
            values.Add(BitConverter.UInt32BitsToSingle(0x80000000u + d)); // −0 and the smallest negatives
            values.Add(BitConverter.UInt32BitsToSingle(d));               // +0 and the smallest positives
        }
        var rng = new Random(1234);
        for (int i = 0; i < 1 << 16; i++) values.Add(BitConverter.UInt32BitsToSingle((uint)rng.NextInt64(0, 1L << 32)));
        values.AddRange([float.NegativeInfinity, float.PositiveInfinity, float.MinValue, float.MaxValue, -1e30f, -20f, -14.5f, -14f, -1f]);
        return values.Where(v => !float.IsNaN(v)).ToArray();
    }

    [Test]
    public void IsNegativeExactlyWhereTheVectorGeluIsNegative()
    {
        float[] x = BoundaryInputs();
        var y = new float[x.Length];
        Gelu.Apply(x, y);
        for (int i = 0; i < x.Length; i++)
        {
            if (GeluSign.IsNegative(x[i]) != y[i] < 0f)
                Assert.Fail($"gelu({x[i]:R} = 0x{BitConverter.SingleToUInt32Bits(x[i]):X8}) = {y[i]:R}, GeluSign.IsNegative says {GeluSign.IsNegative(x[i])}");
        }
    }

    /// <summary>
    /// The scalar <see cref="Gelu.Of(float)"/> (what <see cref="Gelu.Apply"/> runs without Vector128)
    /// agrees everywhere except at the smallest negative subnormal, −float.Epsilon, where its
    /// Φ rounds to exactly ½ and x·½ rounds to −0 while every vector GELU (and the trainer's with
    /// SIMD) gives −float.Epsilon; GeluSign follows the path the process runs.
    /// </summary>
    [Test]
    public void IsNegativeWhereTheScalarGeluIsNegativeExceptTheSmallestSubnormal()
    {
        var differ = new List<float>();
        foreach (float x in BoundaryInputs())
        {
            if (GeluSign.IsNegative(x) != Gelu.Of(x) < 0f) differ.Add(x);
        }
        Assert.That(differ, Is.SubsetOf(new[] { -float.Epsilon }), "inputs where the scalar GELU's sign differs from GeluSign");
    }

    [Test]
    public void TheCeilingIsTheLastNonNegativeGelu()
    {
        float above = MathF.BitDecrement(-GeluSign.UnderflowCeiling) * -1f;
        Assert.Multiple(() =>
        {
            Assert.That(Gelu.Of(GeluSign.UnderflowCeiling), Is.Not.LessThan(0f));
            Assert.That(Gelu.Of(above), Is.LessThan(0f));
            Assert.That(above, Is.GreaterThan(GeluSign.UnderflowCeiling));
        });
    }
}
