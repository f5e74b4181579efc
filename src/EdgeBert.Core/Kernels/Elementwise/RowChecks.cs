namespace EdgeBert.Kernels.Elementwise;

/// <summary>Shared argument checks for the row operations.</summary>
internal static class RowChecks
{
    public static void Matrix(int length, int rows, int cols, string name)
    {
        if ((long)rows * cols > length)
            throw new ArgumentException($"{name} has {length} values, [{rows}, {cols}] needs {(long)rows * cols}.", name);
    }

    public static void Vector(int length, int expected, string name)
    {
        if (length != expected)
            throw new ArgumentException($"{name} has {length} values, expected {expected}.", name);
    }

    public static void SameLength(int a, int b, string nameA, string nameB)
    {
        if (a != b)
            throw new ArgumentException($"{nameA} has {a} values but {nameB} has {b}; they must match.", nameB);
    }
}
