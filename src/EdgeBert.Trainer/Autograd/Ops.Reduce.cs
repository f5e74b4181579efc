using System.Numerics.Tensors;

namespace EdgeBert.Trainer.Autograd;

public static partial class Ops
{
    /// <summary>The sum of all values, as a scalar tensor.</summary>
    public static Tensor Sum(Tensor a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return ScalarResult(a, (float)SumDouble(a.Data), 1f, nameof(Sum));
    }

    /// <summary>The mean of all values, as a scalar tensor.</summary>
    /// <exception cref="ArgumentException">The tensor is empty.</exception>
    public static Tensor Mean(Tensor a)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (a.Length == 0) throw new ArgumentException("Mean: the tensor is empty.", nameof(a));
        return ScalarResult(a, (float)(SumDouble(a.Data) / a.Length), 1f / a.Length, nameof(Mean));
    }

    /// <summary>Scalar output whose gradient spreads to a as <paramref name="perElement"/>·g.</summary>
    private static Tensor ScalarResult(Tensor a, float value, float perElement, string op)
    {
        bool record = Tape.ShouldRecord(a);
        var output = new Tensor([value], [], record);
        if (record)
        {
            Tape.Record(output, op, [a], g =>
            {
                float[] da = a.GradBuffer();
                TensorPrimitives.Add(da, g[0] * perElement, da);
            });
        }

        return output;
    }

    /// <summary>A float sum accumulated in double, so large reductions do not lose small terms.</summary>
    private static double SumDouble(ReadOnlySpan<float> values)
    {
        double s = 0;
        foreach (float v in values) s += v;
        return s;
    }
}
