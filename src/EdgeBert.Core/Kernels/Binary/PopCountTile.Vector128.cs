using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EdgeBert.Kernels.Binary;

/// <summary>
/// Portable Vector128 popcount micro-kernel (SSE on x86, NEON through the JIT): 2 activation
/// rows × 1 weight panel (8 outputs, four 128-bit quarters), 8 byte accumulators. The
/// popcount is the SWAR byte count (no byte shuffle is portable with defined semantics), and
/// the 31-step flush sums the 8 bytes of each 64-bit lane with shifts and masks.
/// </summary>
internal readonly unsafe struct Vector128PopCountTile : IPopCountTile
{
    private const int FlushWords = 31;

    public static int Rows => 2;

    public static int Panels => 1;

    public static bool IsSupported => Vector128.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TOp>(in TileOperands t, int kWords, int* counts, int countStride)
        where TOp : struct, IBitwiseOp
    {
        int step = 8 * TOp.WeightPlanes;
        ulong* a0 = t.A0, a1 = t.A1;
        ulong* w = t.W0;

        Vector128<ulong> s00 = default; Vector128<ulong> s01 = default; Vector128<ulong> s02 = default; Vector128<ulong> s03 = default;
        Vector128<ulong> s10 = default; Vector128<ulong> s11 = default; Vector128<ulong> s12 = default; Vector128<ulong> s13 = default;
        for (int k0 = 0; k0 < kWords; k0 += FlushWords)
        {
            int end = Math.Min(kWords, k0 + FlushWords);
            Vector128<byte> c00 = default; Vector128<byte> c01 = default; Vector128<byte> c02 = default; Vector128<byte> c03 = default;
            Vector128<byte> c10 = default; Vector128<byte> c11 = default; Vector128<byte> c12 = default; Vector128<byte> c13 = default;
            for (int k = k0; k < end; k++)
            {
                Vector128<ulong> ws0 = Vector128.Load(w + k * step + 0);
                Vector128<ulong> wm0 = TOp.WeightPlanes == 2 ? Vector128.Load(w + k * step + 8) : default;
                Vector128<ulong> ws1 = Vector128.Load(w + k * step + 2);
                Vector128<ulong> wm1 = TOp.WeightPlanes == 2 ? Vector128.Load(w + k * step + 10) : default;
                Vector128<ulong> ws2 = Vector128.Load(w + k * step + 4);
                Vector128<ulong> wm2 = TOp.WeightPlanes == 2 ? Vector128.Load(w + k * step + 12) : default;
                Vector128<ulong> ws3 = Vector128.Load(w + k * step + 6);
                Vector128<ulong> wm3 = TOp.WeightPlanes == 2 ? Vector128.Load(w + k * step + 14) : default;
                Vector128<ulong> b0 = Vector128.Create(a0[k]);
                Vector128<ulong> b1 = Vector128.Create(a1[k]);
                c00 += PopCountBytes(TOp.Apply(b0, ws0, wm0));
                c01 += PopCountBytes(TOp.Apply(b0, ws1, wm1));
                c02 += PopCountBytes(TOp.Apply(b0, ws2, wm2));
                c03 += PopCountBytes(TOp.Apply(b0, ws3, wm3));
                c10 += PopCountBytes(TOp.Apply(b1, ws0, wm0));
                c11 += PopCountBytes(TOp.Apply(b1, ws1, wm1));
                c12 += PopCountBytes(TOp.Apply(b1, ws2, wm2));
                c13 += PopCountBytes(TOp.Apply(b1, ws3, wm3));
            }

            s00 += SumBytesPerLane(c00);
            s01 += SumBytesPerLane(c01);
            s02 += SumBytesPerLane(c02);
            s03 += SumBytesPerLane(c03);
            s10 += SumBytesPerLane(c10);
            s11 += SumBytesPerLane(c11);
            s12 += SumBytesPerLane(c12);
            s13 += SumBytesPerLane(c13);
        }

        Vector128.Narrow(s00, s01).AsInt32().Store(counts + 0 * countStride);
        Vector128.Narrow(s02, s03).AsInt32().Store(counts + 0 * countStride + 4);
        Vector128.Narrow(s10, s11).AsInt32().Store(counts + 1 * countStride);
        Vector128.Narrow(s12, s13).AsInt32().Store(counts + 1 * countStride + 4);
    }

    /// <summary>Per-byte popcount, SWAR: pairs, then nibbles, then bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<byte> PopCountBytes(Vector128<ulong> x)
    {
        Vector128<byte> v = x.AsByte();
        v -= Vector128.ShiftRightLogical(v, 1) & Vector128.Create((byte)0x55);
        v = (v & Vector128.Create((byte)0x33)) + (Vector128.ShiftRightLogical(v, 2) & Vector128.Create((byte)0x33));
        return (v + Vector128.ShiftRightLogical(v, 4)) & Vector128.Create((byte)0x0F);
    }

    /// <summary>Sum of the 8 bytes of each 64-bit lane (each byte ≤ 255).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<ulong> SumBytesPerLane(Vector128<byte> c)
    {
        Vector128<ulong> x = c.AsUInt64();
        x = (x & Vector128.Create(0x00FF00FF00FF00FFUL)) + (Vector128.ShiftRightLogical(x, 8) & Vector128.Create(0x00FF00FF00FF00FFUL));
        x = (x & Vector128.Create(0x0000FFFF0000FFFFUL)) + (Vector128.ShiftRightLogical(x, 16) & Vector128.Create(0x0000FFFF0000FFFFUL));
        return (x & Vector128.Create(0x00000000FFFFFFFFUL)) + Vector128.ShiftRightLogical(x, 32);
    }
}
