namespace EdgeBert.Kernels.Integer;

/// <summary>W2A8 / W1A8 scalar reference: decodes each 2-bit code with index arithmetic.</summary>
internal readonly unsafe struct TernaryScalarPanel : IIntegerPanelKernel
{
    public static KernelIsa Isa => KernelIsa.Scalar;
    public static bool IsSupported => true;
    public static bool UsesVnni => false;
    public static int StagedValueBytes => 1;
    public static int ColumnOffset => 0;
    public static int TokenOffset => 1;

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
                    // code(j, kk) = bits 2q of byte 4j+t in block kk/16, q = (kk%16)/4, t = kk%4
                    int code = (panel[kk / 16 * 64 + 4 * j + kk % 4] >> (2 * (kk % 16 / 4))) & 3;
                    sum += code * a[kk];
                }
                acc[t * 16 + j] = sum;
            }
        }
    }
}
