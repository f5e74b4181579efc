using System.Runtime.Intrinsics;

namespace EdgeBert.Kernels.Integer;

/// <summary>
/// W8A8 on portable Vector128 (SSE2 or NEON through the JIT). Without a portable
/// multiply-add-adjacent, weights and activations are widened to int16 (|w·x| ≤ 128·128 =
/// 16384 fits), multiplied, and the products widened into int32 lanes (o, t); the four t lanes of
/// each output are summed once at the end.
/// </summary>
internal readonly unsafe struct Int8Vector128Panel : IIntegerPanelKernel
{
    public static KernelIsa Isa => KernelIsa.Vector128;
    public static bool IsSupported => Vector128.IsHardwareAccelerated;
    public static bool UsesVnni => false;
    public static int StagedValueBytes => 2;
    public static int ColumnOffset => 0;
    public static int TokenOffset => 0;

    public static void Stage(sbyte* x, int k, int kPad, byte* dst) => ActivationStaging.Int16(x, k, kPad, dst);

    public static void Run(byte* panel, int kPad, byte** rows, int* acc)
    {
        int groups = kPad / 4;
        for (int t = 0; t < 4; t++)
        {
            short* a = (short*)rows[t];
            for (int chunk = 0; chunk < 4; chunk++)
            {
                // Outputs 4·chunk .. 4·chunk+3: lane (o, t) accumulators.
                Vector128<int> o0 = default, o1 = default, o2 = default, o3 = default;
                sbyte* w = (sbyte*)panel + chunk * 16;
                for (int g = 0; g < groups; g++, w += 64)
                {
                    (Vector128<short> w01, Vector128<short> w23) = Vector128.Widen(Vector128.Load(w));
                    Vector128<short> xg = Vector128.Create(*(long*)(a + 4 * g)).AsInt16();
                    (Vector128<int> p0, Vector128<int> p1) = Vector128.Widen(w01 * xg);
                    (Vector128<int> p2, Vector128<int> p3) = Vector128.Widen(w23 * xg);
                    o0 += p0; o1 += p1; o2 += p2; o3 += p3;
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
