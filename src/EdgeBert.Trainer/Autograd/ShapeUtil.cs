namespace EdgeBert.Trainer.Autograd;

/// <summary>Shape arithmetic and the validation messages every operation shares.</summary>
internal static class ShapeUtil
{
    /// <summary>The number of values a shape holds; throws for negative dimensions or overflow.</summary>
    public static int Count(ReadOnlySpan<int> shape, string paramName)
    {
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"Shape {Format(shape)} has a negative dimension.", paramName);
            n *= d;
            if (n > Array.MaxLength) throw new ArgumentException($"Shape {Format(shape)} is too large.", paramName);
        }

        return (int)n;
    }

    /// <summary>Formats a shape like <c>[2, 7, 32]</c>.</summary>
    public static string Format(ReadOnlySpan<int> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";

    /// <summary>Normalises a possibly negative axis.</summary>
    public static int Axis(int axis, int rank)
    {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank)
        {
            throw new ArgumentOutOfRangeException(nameof(axis), axis, $"Axis {axis} is outside a tensor of rank {rank}.");
        }

        return a;
    }

    /// <summary>Product of dimensions [from, to).</summary>
    public static int Product(ReadOnlySpan<int> shape, int from, int to)
    {
        int n = 1;
        for (int i = from; i < to; i++) n *= shape[i];
        return n;
    }

    /// <summary>Throws unless <paramref name="t"/> has at least <paramref name="rank"/> dimensions.</summary>
    public static void RequireRankAtLeast(Tensor t, int rank, string op, string paramName)
    {
        ArgumentNullException.ThrowIfNull(t, paramName);
        if (t.Rank < rank)
        {
            throw new ArgumentException($"{op}: {paramName} needs at least {rank} dimension(s) but has shape {Format(t.Shape)}.", paramName);
        }
    }

    /// <summary>Throws unless both tensors have the same shape.</summary>
    public static void RequireSameShape(Tensor a, Tensor b, string op)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (!a.Shape.SequenceEqual(b.Shape))
        {
            throw new ArgumentException($"{op}: shapes {Format(a.Shape)} and {Format(b.Shape)} differ.");
        }
    }
}
