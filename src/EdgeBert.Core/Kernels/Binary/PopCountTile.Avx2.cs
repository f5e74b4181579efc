using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeBert.Kernels.Binary;

/// <summary>
/// AVX2 popcount micro-kernel: 4 activation rows (broadcast) × 1 weight panel (8 outputs, two
/// 256-bit halves), 8 byte accumulators within the 16 ymm registers. Same nibble-lookup
/// popcount and 31-step SAD flush as <see cref="Avx512PopCountTile"/>.
/// </summary>
internal readonly unsafe struct Avx2PopCountTile : IPopCountTile
{
    private const int FlushWords = 31;

    public static int Rows => 4;

    public static int Panels => 1;

    public static bool IsSupported => Avx2.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TOp>(in TileOperands t, int kWords, int* counts, int countStride)
        where TOp : struct, IBitwiseOp
    {
        int step = 8 * TOp.WeightPlanes;
        Vector128<byte> lut128 = Vector128.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
        Vector256<byte> lut = Vector256.Create(lut128, lut128);
        Vector256<byte> nibble = Vector256.Create((byte)0x0F);
        ulong* a0 = t.A0, a1 = t.A1, a2 = t.A2, a3 = t.A3;
        ulong* w = t.W0;

        Vector256<ulong> s00 = default; Vector256<ulong> s01 = default;
        Vector256<ulong> s10 = default; Vector256<ulong> s11 = default;
        Vector256<ulong> s20 = default; Vector256<ulong> s21 = default;
        Vector256<ulong> s30 = default; Vector256<ulong> s31 = default;
        for (int k0 = 0; k0 < kWords; k0 += FlushWords)
        {
            int end = Math.Min(kWords, k0 + FlushWords);
            Vector256<byte> c00 = default; Vector256<byte> c01 = default;
            Vector256<byte> c10 = default; Vector256<byte> c11 = default;
            Vector256<byte> c20 = default; Vector256<byte> c21 = default;
            Vector256<byte> c30 = default; Vector256<byte> c31 = default;
            for (int k = k0; k < end; k++)
            {
                Vector256<ulong> ws0 = Vector256.Load(w + k * step + 0);
                Vector256<ulong> wm0 = TOp.WeightPlanes == 2 ? Vector256.Load(w + k * step + 8) : default;
                Vector256<ulong> ws1 = Vector256.Load(w + k * step + 4);
                Vector256<ulong> wm1 = TOp.WeightPlanes == 2 ? Vector256.Load(w + k * step + 12) : default;
                // count += popcount(op(a, w)), per byte: lut[x & 15] + lut[x >> 4].
                // One broadcast live at a time: with only 16 ymm registers (no AVX-512) the
                // 8 accumulators, 2 weight halves and 2 constants leave no room for four.
                Vector256<ulong> b = Vector256.Create(a0[k]);
                c00 += PopCountBytes(TOp.Apply(b, ws0, wm0), lut, nibble);
                c01 += PopCountBytes(TOp.Apply(b, ws1, wm1), lut, nibble);
                b = Vector256.Create(a1[k]);
                c10 += PopCountBytes(TOp.Apply(b, ws0, wm0), lut, nibble);
                c11 += PopCountBytes(TOp.Apply(b, ws1, wm1), lut, nibble);
                b = Vector256.Create(a2[k]);
                c20 += PopCountBytes(TOp.Apply(b, ws0, wm0), lut, nibble);
                c21 += PopCountBytes(TOp.Apply(b, ws1, wm1), lut, nibble);
                b = Vector256.Create(a3[k]);
                c30 += PopCountBytes(TOp.Apply(b, ws0, wm0), lut, nibble);
                c31 += PopCountBytes(TOp.Apply(b, ws1, wm1), lut, nibble);
            }

            s00 += Avx2.SumAbsoluteDifferences(c00, Vector256<byte>.Zero).AsUInt64();
            s01 += Avx2.SumAbsoluteDifferences(c01, Vector256<byte>.Zero).AsUInt64();
            s10 += Avx2.SumAbsoluteDifferences(c10, Vector256<byte>.Zero).AsUInt64();
            s11 += Avx2.SumAbsoluteDifferences(c11, Vector256<byte>.Zero).AsUInt64();
            s20 += Avx2.SumAbsoluteDifferences(c20, Vector256<byte>.Zero).AsUInt64();
            s21 += Avx2.SumAbsoluteDifferences(c21, Vector256<byte>.Zero).AsUInt64();
            s30 += Avx2.SumAbsoluteDifferences(c30, Vector256<byte>.Zero).AsUInt64();
            s31 += Avx2.SumAbsoluteDifferences(c31, Vector256<byte>.Zero).AsUInt64();
        }

        Vector256.Narrow(s00, s01).AsInt32().Store(counts + 0 * countStride);
        Vector256.Narrow(s10, s11).AsInt32().Store(counts + 1 * countStride);
        Vector256.Narrow(s20, s21).AsInt32().Store(counts + 2 * countStride);
        Vector256.Narrow(s30, s31).AsInt32().Store(counts + 3 * countStride);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> PopCountBytes(Vector256<ulong> x, Vector256<byte> lut, Vector256<byte> nibble)
    {
        Vector256<byte> low = x.AsByte() & nibble;
        Vector256<byte> high = Avx2.ShiftRightLogical(x.AsUInt16(), 4).AsByte() & nibble;
        return Avx2.Shuffle(lut, low) + Avx2.Shuffle(lut, high);
    }
}
