namespace EdgeBert.Core.Tests.Kernels.Packing;

/// <summary>Deterministic random inputs for the packing and binary-kernel tests.</summary>
internal static class PackingTestData
{
    /// <summary>The K values every bit-level test sweeps: word and 512-bit boundaries, BERT sizes.</summary>
    public static readonly int[] EdgeK = [1, 63, 64, 65, 511, 512, 513, 768, 3072];

    /// <summary>Floats with both signs, exact zeros and negative zeros mixed in.</summary>
    public static float[] Floats(Random rng, int count)
    {
        var x = new float[count];
        for (int i = 0; i < count; i++)
        {
            int pick = rng.Next(16);
            x[i] = pick switch
            {
                0 => 0f,
                1 => -0f,
                _ => (rng.NextSingle() - 0.5f) * 4f,
            };
        }
        return x;
    }

    /// <summary>int8 values over the whole range.</summary>
    public static sbyte[] Bytes(Random rng, int count)
    {
        var x = new sbyte[count];
        for (int i = 0; i < count; i++) x[i] = (sbyte)rng.Next(-128, 128);
        return x;
    }

    /// <summary>Values in {-1, 0, +1}.</summary>
    public static sbyte[] Ternary(Random rng, int count)
    {
        var x = new sbyte[count];
        for (int i = 0; i < count; i++) x[i] = (sbyte)rng.Next(-1, 2);
        return x;
    }

    /// <summary>Codes in [0, 2^bits).</summary>
    public static byte[] Codes(Random rng, int count, int bits)
    {
        var x = new byte[count];
        for (int i = 0; i < count; i++) x[i] = (byte)rng.Next(0, 1 << bits);
        return x;
    }

    /// <summary>±1 per the packing convention: negative (and only negative) is -1.</summary>
    public static int Sign(float x) => x < 0f ? -1 : 1;
}
