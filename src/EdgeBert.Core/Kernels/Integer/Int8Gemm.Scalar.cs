namespace EdgeBert.Kernels.Integer;

/// <summary>W8A8 scalar reference: plain loops over the packed panel, the oracle of the SIMD paths.</summary>
internal readonly unsafe struct Int8ScalarPanel : IIntegerPanelKernel
{
    public static KernelIsa Isa => KernelIsa.Scalar;
    public static bool IsSupported => true;
    public static bool UsesVnni => false;
    public static int StagedValueBytes => 1;
    public static int ColumnOffset => 0;
    public static int TokenOffset => 0;

    public static void Stage(sbyte* x, int k, int kPad, byte* dst) => StageBytes(x, k, kPad, dst, 0);

    public static void Run(byte* panel, int kPad, byte** rows, int* acc)
    {
        for (int t = 0; t < 4; t++)
        {
            sbyte* a = (sbyte*)rows[t];
            for (int j = 0; j < 16; j++)
            {
                int sum = 0;
                for (int kk = 0; kk < kPad; kk++)
                {
                    // byte 4j+t of group kk/4 holds w[j, kk]
                    sum += a[kk] * (sbyte)panel[kk / 4 * 64 + 4 * j + kk % 4];
                }
                acc[t * 16 + j] = sum;
            }
        }
    }

    /// <summary>Copies k signed bytes, XOR-ing each with <paramref name="flip"/> (0x80 adds 128 as u8), and pads.</summary>
    internal static void StageBytes(sbyte* x, int k, int kPad, byte* dst, byte flip)
    {
        for (int i = 0; i < k; i++) dst[i] = (byte)((byte)x[i] ^ flip);
        for (int i = k; i < kPad; i++) dst[i] = flip;
    }

    /// <summary>Sign-extends k signed bytes to int16 and pads with zeros.</summary>
    internal static void StageInt16(sbyte* x, int k, int kPad, byte* dst)
    {
        short* d = (short*)dst;
        for (int i = 0; i < k; i++) d[i] = x[i];
        for (int i = k; i < kPad; i++) d[i] = 0;
    }
}
