using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace EdgeBert.Kernels.Binary;

/// <summary>
/// ARM AdvSimd popcount micro-kernel: 4 activation rows × 1 weight panel (8 outputs, four
/// 128-bit quarters), 16 byte accumulators of the 32 NEON registers. The popcount is
/// <c>cnt</c> (<see cref="AdvSimd.PopCount(Vector128{byte})"/>); the 31-step flush widens bytes
/// to 64-bit lanes with three pairwise widening adds (LCE's cnt/addp/uadalp chain).
/// Compiled everywhere, run only where <see cref="AdvSimd.IsSupported"/>.
/// </summary>
internal readonly unsafe struct AdvSimdPopCountTile : IPopCountTile
{
    private const int FlushWords = 31;

    public static int Rows => 4;

    public static int Panels => 1;

    public static bool IsSupported => AdvSimd.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TOp>(in TileOperands t, int kWords, int* counts, int countStride)
        where TOp : struct, IBitwiseOp
    {
        if (!AdvSimd.IsSupported) throw new PlatformNotSupportedException("AdvSimd is not supported in this process.");
        int step = 8 * TOp.WeightPlanes;
        ulong* a0 = t.A0, a1 = t.A1, a2 = t.A2, a3 = t.A3;
        ulong* w = t.W0;

        Vector128<ulong> s00 = default; Vector128<ulong> s01 = default; Vector128<ulong> s02 = default; Vector128<ulong> s03 = default;
        Vector128<ulong> s10 = default; Vector128<ulong> s11 = default; Vector128<ulong> s12 = default; Vector128<ulong> s13 = default;
        Vector128<ulong> s20 = default; Vector128<ulong> s21 = default; Vector128<ulong> s22 = default; Vector128<ulong> s23 = default;
        Vector128<ulong> s30 = default; Vector128<ulong> s31 = default; Vector128<ulong> s32 = default; Vector128<ulong> s33 = default;
        for (int k0 = 0; k0 < kWords; k0 += FlushWords)
        {
            int end = Math.Min(kWords, k0 + FlushWords);
            Vector128<byte> c00 = default; Vector128<byte> c01 = default; Vector128<byte> c02 = default; Vector128<byte> c03 = default;
            Vector128<byte> c10 = default; Vector128<byte> c11 = default; Vector128<byte> c12 = default; Vector128<byte> c13 = default;
            Vector128<byte> c20 = default; Vector128<byte> c21 = default; Vector128<byte> c22 = default; Vector128<byte> c23 = default;
            Vector128<byte> c30 = default; Vector128<byte> c31 = default; Vector128<byte> c32 = default; Vector128<byte> c33 = default;
            for (int k = k0; k < end; k++)
            {
                Vector128<ulong> ws0 = AdvSimd.LoadVector128(w + k * step + 0);
                Vector128<ulong> wm0 = TOp.WeightPlanes == 2 ? AdvSimd.LoadVector128(w + k * step + 8) : default;
                Vector128<ulong> ws1 = AdvSimd.LoadVector128(w + k * step + 2);
                Vector128<ulong> wm1 = TOp.WeightPlanes == 2 ? AdvSimd.LoadVector128(w + k * step + 10) : default;
                Vector128<ulong> ws2 = AdvSimd.LoadVector128(w + k * step + 4);
                Vector128<ulong> wm2 = TOp.WeightPlanes == 2 ? AdvSimd.LoadVector128(w + k * step + 12) : default;
                Vector128<ulong> ws3 = AdvSimd.LoadVector128(w + k * step + 6);
                Vector128<ulong> wm3 = TOp.WeightPlanes == 2 ? AdvSimd.LoadVector128(w + k * step + 14) : default;
                Vector128<ulong> b0 = Vector128.Create(a0[k]);
                Vector128<ulong> b1 = Vector128.Create(a1[k]);
                Vector128<ulong> b2 = Vector128.Create(a2[k]);
                Vector128<ulong> b3 = Vector128.Create(a3[k]);
                c00 = AdvSimd.Add(c00, AdvSimd.PopCount(TOp.Apply(b0, ws0, wm0).AsByte()));
                c01 = AdvSimd.Add(c01, AdvSimd.PopCount(TOp.Apply(b0, ws1, wm1).AsByte()));
                c02 = AdvSimd.Add(c02, AdvSimd.PopCount(TOp.Apply(b0, ws2, wm2).AsByte()));
                c03 = AdvSimd.Add(c03, AdvSimd.PopCount(TOp.Apply(b0, ws3, wm3).AsByte()));
                c10 = AdvSimd.Add(c10, AdvSimd.PopCount(TOp.Apply(b1, ws0, wm0).AsByte()));
                c11 = AdvSimd.Add(c11, AdvSimd.PopCount(TOp.Apply(b1, ws1, wm1).AsByte()));
                c12 = AdvSimd.Add(c12, AdvSimd.PopCount(TOp.Apply(b1, ws2, wm2).AsByte()));
                c13 = AdvSimd.Add(c13, AdvSimd.PopCount(TOp.Apply(b1, ws3, wm3).AsByte()));
                c20 = AdvSimd.Add(c20, AdvSimd.PopCount(TOp.Apply(b2, ws0, wm0).AsByte()));
                c21 = AdvSimd.Add(c21, AdvSimd.PopCount(TOp.Apply(b2, ws1, wm1).AsByte()));
                c22 = AdvSimd.Add(c22, AdvSimd.PopCount(TOp.Apply(b2, ws2, wm2).AsByte()));
                c23 = AdvSimd.Add(c23, AdvSimd.PopCount(TOp.Apply(b2, ws3, wm3).AsByte()));
                c30 = AdvSimd.Add(c30, AdvSimd.PopCount(TOp.Apply(b3, ws0, wm0).AsByte()));
                c31 = AdvSimd.Add(c31, AdvSimd.PopCount(TOp.Apply(b3, ws1, wm1).AsByte()));
                c32 = AdvSimd.Add(c32, AdvSimd.PopCount(TOp.Apply(b3, ws2, wm2).AsByte()));
                c33 = AdvSimd.Add(c33, AdvSimd.PopCount(TOp.Apply(b3, ws3, wm3).AsByte()));
            }

            s00 = AdvSimd.AddPairwiseWideningAndAdd(s00, AdvSimd.AddPairwiseWidening(AdvSimd.AddPairwiseWidening(c00)));
            s01 = AdvSimd.AddPairwiseWideningAndAdd(s01, AdvSimd.AddPairwiseWidening(AdvSimd.AddPairwiseWidening(c01)));
            s02 = AdvSimd.AddPairwiseWideningAndAdd(s02, AdvSimd.AddPairwiseWidening(AdvSimd.AddPairwiseWidening(c02)));
            s03 = AdvSimd.AddPairwiseWideningAndAdd(s03, AdvSimd.AddPairwiseWidening(AdvSimd.AddPairwiseWidening(c03)));
            s10 = AdvSimd.AddPairwiseWideningAndAdd(s10, AdvSimd.AddPairwiseWidening(AdvSimd.AddPairwiseWidening(c10)));
            s11 = AdvSimd.AddPairwiseWideningAndAdd(s11, AdvSimd.AddPairwiseWidening(AdvSimd.AddPairwiseWidening(c11)));
            s12 = AdvSimd.AddPairwiseWideningAndAdd(s12, AdvSimd.AddPairwiseWidening(AdvSimd.AddPairwiseWidening(c12)));
            s13 = AdvSimd.AddPairwiseWideningAndAdd(s13, AdvSimd.AddPairwiseWidening(AdvSimd.AddPairwiseWidening(c13)));
            s20 = AdvSimd.AddPairwiseWideningAndAdd(s20, AdvSimd.AddPairwiseWidening(AdvSimd.AddPairwiseWidening(c20)));
            s21 = AdvSimd.AddPairwiseWideningAndAdd(s21, AdvSimd.AddPairwiseWidening(AdvSimd.AddPairwiseWidening(c21)));
            s22 = AdvSimd.AddPairwiseWideningAndAdd(s22, AdvSimd.AddPairwiseWidening(AdvSimd.AddPairwiseWidening(c22)));
            s23 = AdvSimd.AddPairwiseWideningAndAdd(s23, AdvSimd.AddPairwiseWidening(AdvSimd.AddPairwiseWidening(c23)));
            s30 = AdvSimd.AddPairwiseWideningAndAdd(s30, AdvSimd.AddPairwiseWidening(AdvSimd.AddPairwiseWidening(c30)));
            s31 = AdvSimd.AddPairwiseWideningAndAdd(s31, AdvSimd.AddPairwiseWidening(AdvSimd.AddPairwiseWidening(c31)));
            s32 = AdvSimd.AddPairwiseWideningAndAdd(s32, AdvSimd.AddPairwiseWidening(AdvSimd.AddPairwiseWidening(c32)));
            s33 = AdvSimd.AddPairwiseWideningAndAdd(s33, AdvSimd.AddPairwiseWidening(AdvSimd.AddPairwiseWidening(c33)));
        }

        Vector128.Narrow(s00, s01).AsInt32().Store(counts + 0 * countStride);
        Vector128.Narrow(s02, s03).AsInt32().Store(counts + 0 * countStride + 4);
        Vector128.Narrow(s10, s11).AsInt32().Store(counts + 1 * countStride);
        Vector128.Narrow(s12, s13).AsInt32().Store(counts + 1 * countStride + 4);
        Vector128.Narrow(s20, s21).AsInt32().Store(counts + 2 * countStride);
        Vector128.Narrow(s22, s23).AsInt32().Store(counts + 2 * countStride + 4);
        Vector128.Narrow(s30, s31).AsInt32().Store(counts + 3 * countStride);
        Vector128.Narrow(s32, s33).AsInt32().Store(counts + 3 * countStride + 4);
    }
}
