using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeBert.Kernels.Binary;

/// <summary>
/// AVX-512 Harley–Seal popcount micro-kernel for W1A1 (xor only): 1 activation row × 3 weight
/// panels (24 outputs), lane-per-output like <see cref="Avx512PopCountTile"/>. Per output it
/// keeps carry-save state {ones, twos, fours} and feeds it the xor vectors d_k = a_k ⊕ w_k, 8
/// K-words at a time (HS8, KERNELS.md lesson 5): a carry-save adder is two vpternlogq
/// (0x96: 3-way xor, the sum; 0xE8: majority, the carry), and only the eights carry of each
/// block goes through the vpshufb nibble popcount. K-words left over (K mod 8 words) are counted
/// with the lookup directly. At the end count = 8·Σ pc(eights) + 4·pc(fours) + 2·pc(twos) + pc(ones) + Σ pc(rest).
/// About 3.6 zmm ops per 512 bit-MACs instead of the lookup's 6, but only on whole 8-word blocks
/// and with the state's popcounts at the end, so it pays off on long K only (chosen per shape).
/// </summary>
internal readonly unsafe struct Avx512HarleySealTile : IPopCountTile
{
    /// <summary>Eights-carry byte counts grow by at most 8 per block: flush every 31 blocks.</summary>
    private const int FlushBlocks = 31;

    public static int Rows => 1;

    public static int Panels => 3;

    public static bool IsSupported => Avx512F.IsSupported && Avx512BW.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TOp>(in TileOperands t, int kWords, int* counts, int countStride)
        where TOp : struct, IBitwiseOp
    {
        if (typeof(TOp) != typeof(XorOp)) throw new NotSupportedException("The Harley-Seal tile computes popcount(a xor w) only.");
        Vector128<byte> lut128 = Vector128.Create((byte)0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
        Vector256<byte> lut256 = Vector256.Create(lut128, lut128);
        Vector512<byte> lut = Vector512.Create(lut256, lut256);
        Vector512<ulong> nibble = Vector512.Create((byte)0x0F).AsUInt64();
        ulong* a = t.A0;
        Vector512<ulong> sum0 = Count(a, t.W0, kWords, lut, nibble);
        Vector512<ulong> sum1 = Count(a, t.W1, kWords, lut, nibble);
        Vector512<ulong> sum2 = Count(a, t.W2, kWords, lut, nibble);
        Avx512F.ConvertToVector256Int32(sum0.AsInt64()).Store(counts + 0);
        Avx512F.ConvertToVector256Int32(sum1.AsInt64()).Store(counts + 8);
        Avx512F.ConvertToVector256Int32(sum2.AsInt64()).Store(counts + 16);
    }

    /// <summary>popcount(a ⊕ w) of one panel's 8 outputs, one 64-bit lane each.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Count(ulong* a, ulong* w, int kWords, Vector512<byte> lut, Vector512<ulong> nibble)
    {
        Vector512<ulong> ones = Vector512<ulong>.Zero, twos = Vector512<ulong>.Zero, fours = Vector512<ulong>.Zero;
        Vector512<ulong> total = Vector512<ulong>.Zero;
        Vector512<byte> eights = Vector512<byte>.Zero, rest = Vector512<byte>.Zero;
        int k = 0, blocks = 0;
        for (; k + 8 <= kWords; k += 8)
        {
            // (carry, sum) = CSA(x, y, z): sum = x ⊕ y ⊕ z, carry = majority(x, y, z).
            Vector512<ulong> twosA, twosB, foursA, foursB, eightsCarry;
            Csa(out twosA, ref ones, D(a, w, k), D(a, w, k + 1));
            Csa(out twosB, ref ones, D(a, w, k + 2), D(a, w, k + 3));
            Csa(out foursA, ref twos, twosA, twosB);
            Csa(out twosA, ref ones, D(a, w, k + 4), D(a, w, k + 5));
            Csa(out twosB, ref ones, D(a, w, k + 6), D(a, w, k + 7));
            Csa(out foursB, ref twos, twosA, twosB);
            Csa(out eightsCarry, ref fours, foursA, foursB);
            eights += ByteCounts(eightsCarry, lut, nibble);
            if (++blocks == FlushBlocks)
            {
                total += Avx512BW.SumAbsoluteDifferences(eights, Vector512<byte>.Zero).AsUInt64() << 3;
                eights = Vector512<byte>.Zero;
                blocks = 0;
            }
        }
        // At most 7 words left: byte counts ≤ 56, plus ones (8), 2·twos (16) and 4·fours (32): 112 < 256.
        for (; k < kWords; k++) rest += ByteCounts(D(a, w, k), lut, nibble);
        Vector512<byte> state = ByteCounts(ones, lut, nibble) + rest;
        Vector512<byte> two = ByteCounts(twos, lut, nibble), four = ByteCounts(fours, lut, nibble);
        state += two + two + ((four + four) + (four + four));
        total += Avx512BW.SumAbsoluteDifferences(eights, Vector512<byte>.Zero).AsUInt64() << 3;
        return total + Avx512BW.SumAbsoluteDifferences(state, Vector512<byte>.Zero).AsUInt64();
    }

    /// <summary>d_k = a_k (broadcast) ⊕ the panel's K-word k (8 outputs).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> D(ulong* a, ulong* w, int k) => Vector512.Create(a[k]) ^ Vector512.Load(w + k * 8);

    /// <summary>Carry-save adder: carry = majority(sum, x, y), sum ← sum ⊕ x ⊕ y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Csa(out Vector512<ulong> carry, ref Vector512<ulong> sum, Vector512<ulong> x, Vector512<ulong> y)
    {
        carry = Avx512F.TernaryLogic(sum, x, y, 0xE8);
        sum = Avx512F.TernaryLogic(sum, x, y, 0x96);
    }

    /// <summary>Per-byte popcount (vpshufb nibble lookup).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<byte> ByteCounts(Vector512<ulong> x, Vector512<byte> lut, Vector512<ulong> nibble) =>
        Avx512BW.Shuffle(lut, (x & nibble).AsByte()) + Avx512BW.Shuffle(lut, ((x >> 4) & nibble).AsByte());
}
