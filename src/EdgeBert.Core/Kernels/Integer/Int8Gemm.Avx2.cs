using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeBert.Kernels.Integer;

/// <summary>
/// W8A8 on AVX2 without VNNI: weights sign-extended to int16 (<c>vpmovsxbw</c>) and
/// <c>vpmaddwd</c> against a broadcast 4 × int16 activation group.
/// </summary>
/// <remarks>
/// Why this cannot overflow or saturate (unlike u8×s8 <c>vpmaddubsw</c>, whose pair sums of
/// (x+128)·w reach 2·255·128 = 65280 and saturate int16): both operands are int8 values
/// sign-extended to int16, so each product is in [−16256, 16384] and a <c>vpmaddwd</c> lane
/// (two products) in [−32512, 32768], exact in int32; <c>vpmaddwd</c> saturates only for
/// (−32768)·(−32768) pairs, which int8 inputs never produce. The int32 sum over K is bounded by
/// 16384·K &lt; 2³¹ for K ≤ <see cref="PackedInt8Weights.MaxK"/> = 131071.
/// Lanes hold (output, k-pair) partial sums; adjacent lanes are added once per tile.
/// </remarks>
internal readonly unsafe struct Int8Avx2Panel : IIntegerPanelKernel
{
    public static KernelIsa Isa => KernelIsa.Avx2;
    public static bool IsSupported => Avx2.IsSupported;
    public static bool UsesVnni => false;
    public static int StagedValueBytes => 2;
    public static int ColumnOffset => 0;
    public static int TokenOffset => 0;

    public static void Stage(sbyte* x, int k, int kPad, byte* dst) => ActivationStaging.Int16(x, k, kPad, dst);

    public static void Run(byte* panel, int kPad, byte** rows, int* acc)
    {
        int groups = kPad / 4;
        short* a0 = (short*)rows[0], a1 = (short*)rows[1], a2 = (short*)rows[2], a3 = (short*)rows[3];
        int* pairs = stackalloc int[8];
        for (int half = 0; half < 2; half++)
        {
            // 4 tokens × 2 vectors (outputs 8h..8h+3 and 8h+4..8h+7) = 8 accumulators.
            Vector256<int> c0a = default, c0b = default, c1a = default, c1b = default;
            Vector256<int> c2a = default, c2b = default, c3a = default, c3b = default;
            sbyte* w = (sbyte*)panel + half * 32;
            for (int g = 0; g < groups; g++, w += 64)
            {
                Vector256<short> wa = Avx2.ConvertToVector256Int16(w);
                Vector256<short> wb = Avx2.ConvertToVector256Int16(w + 16);
                Vector256<short> x = Vector256.Create(*(long*)(a0 + 4 * g)).AsInt16();
                c0a += Avx2.MultiplyAddAdjacent(wa, x);
                c0b += Avx2.MultiplyAddAdjacent(wb, x);
                x = Vector256.Create(*(long*)(a1 + 4 * g)).AsInt16();
                c1a += Avx2.MultiplyAddAdjacent(wa, x);
                c1b += Avx2.MultiplyAddAdjacent(wb, x);
                x = Vector256.Create(*(long*)(a2 + 4 * g)).AsInt16();
                c2a += Avx2.MultiplyAddAdjacent(wa, x);
                c2b += Avx2.MultiplyAddAdjacent(wb, x);
                x = Vector256.Create(*(long*)(a3 + 4 * g)).AsInt16();
                c3a += Avx2.MultiplyAddAdjacent(wa, x);
                c3b += Avx2.MultiplyAddAdjacent(wb, x);
            }
            int o = half * 8;
            Reduce(c0a, c0b, pairs, acc + 0 * 16 + o);
            Reduce(c1a, c1b, pairs, acc + 1 * 16 + o);
            Reduce(c2a, c2b, pairs, acc + 2 * 16 + o);
            Reduce(c3a, c3b, pairs, acc + 3 * 16 + o);
        }
    }

    /// <summary>Lanes (2i, 2i+1) are output i's two k-pair halves.</summary>
    private static void Reduce(Vector256<int> a, Vector256<int> b, int* scratch, int* dst)
    {
        a.Store(scratch);
        for (int i = 0; i < 4; i++) dst[i] = scratch[2 * i] + scratch[2 * i + 1];
        b.Store(scratch);
        for (int i = 0; i < 4; i++) dst[4 + i] = scratch[2 * i] + scratch[2 * i + 1];
    }
}
