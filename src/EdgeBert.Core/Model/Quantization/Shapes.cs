namespace EdgeBert.Encoder.Quantization;

/// <summary>Argument checks shared by the quantizers.</summary>
internal static class Shapes
{
    public static void ThrowIfBad(int length, int rows, int columns, string name)
    {
        if (rows < 1 || columns < 1 || (long)rows * columns != length)
        {
            throw new ArgumentException($"Shape [{rows}, {columns}] does not describe {length} values.", name);
        }
    }
}
