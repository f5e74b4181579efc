using System.Runtime.Intrinsics;

namespace EdgeBert.Kernels.Integer;

/// <summary>
/// W2A8 / W1A8 on portable Vector128: codes decoded with a 16-bit shift and <c>&amp; 3</c>,
/// widened to int16, multiplied by int16 activations (|code·x| ≤ 256) and widened into int32
/// lanes (o, t), summed per output at the end.
/// </summary>
internal readonly unsafe struct TernaryVector128Panel : IIntegerPanelKernel
{
    public static KernelIsa Isa => KernelIsa.Vector128;
    public static bool IsSupported => Vector128.IsHardwareAccelerated;
    public static bool UsesVnni => false;
    public static int StagedValueBytes => 2;
    public static int ColumnOffset => 0;
    public static int TokenOffset => 1;

    public static void Stage(sbyte* x, int k, int kPad, byte* dst) => ActivationStaging.Int16(x, k, kPad, dst);

    public static void Run(byte* panel, int kPad, byte** rows, int* acc)
    {
        int blocks = kPad / 16;
        Vector128<byte> three = Vector128.Create((byte)3);
        for (int t = 0; t < 4; t++)
        {
            short* a = (short*)rows[t];
            for (int chunk = 0; chunk < 4; chunk++)
            {
                Vector128<int> o0 = default, o1 = default, o2 = default, o3 = default;
                byte* w = panel + chunk * 16;
                for (int b = 0; b < blocks; b++, w += 64)
                {
                    Vector128<ushort> raw = Vector128.Load(w).AsUInt16();
                    for (int q = 0; q < 4; q++)
                    {
                        Vector128<byte> codes = Vector128.ShiftRightLogical(raw, 2 * q).AsByte() & three;
                        (Vector128<ushort> c01, Vector128<ushort> c23) = Vector128.Widen(codes);
                        Vector128<short> xg = Vector128.Create(*(long*)(a + 16 * b + 4 * q)).AsInt16();
                        (Vector128<int> p0, Vector128<int> p1) = Vector128.Widen(c01.AsInt16() * xg);
                        (Vector128<int> p2, Vector128<int> p3) = Vector128.Widen(c23.AsInt16() * xg);
                        o0 += p0; o1 += p1; o2 += p2; o3 += p3;
                    }
                }
                int* dst = acc + t * 16 + chunk * 4;
                dst[0] = Vector128.Sum(o0);
                dst[1] = Vector128.Sum(o1);
                dst[2] = Vector128.Sum(o2);
                dst[3] = Vector128.Sum(o3);
            }
        }
    }
}
