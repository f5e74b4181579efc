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

    public static void Stage(sbyte* x, int k, int kPad, byte* dst) => ActivationStaging.Bytes(x, k, kPad, dst, 0);

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
}
