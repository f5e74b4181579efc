using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeBert.Kernels;

/// <summary>
/// The classic 8 × 8 float transpose in AVX registers (8 unpacks, 8 shuffles, 8 lane permutes),
/// shared by the SGEMM packing and the LayerNorm's row-lane sums. Callers check
/// <see cref="Avx.IsSupported"/>.
/// </summary>
internal static class RegisterTranspose
{
    /// <summary>Column j of the rows r0 … r7: <c>cj = (r0[j], r1[j], …, r7[j])</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose8x8(
        Vector256<float> r0, Vector256<float> r1, Vector256<float> r2, Vector256<float> r3,
        Vector256<float> r4, Vector256<float> r5, Vector256<float> r6, Vector256<float> r7,
        out Vector256<float> c0, out Vector256<float> c1, out Vector256<float> c2, out Vector256<float> c3,
        out Vector256<float> c4, out Vector256<float> c5, out Vector256<float> c6, out Vector256<float> c7)
    {
        // Pairs of rows interleaved: t0 = (a0 b0 a1 b1 | a4 b4 a5 b5), t1 = (a2 b2 a3 b3 | a6 b6 a7 b7), …
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        // Four rows per 128-bit half: s0 = (a0 b0 c0 d0 | a4 b4 c4 d4), s1 = columns 1 | 5, …
        Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44), s1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> s2 = Avx.Shuffle(t1, t3, 0x44), s3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> s4 = Avx.Shuffle(t4, t6, 0x44), s5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> s6 = Avx.Shuffle(t5, t7, 0x44), s7 = Avx.Shuffle(t5, t7, 0xEE);
        c0 = Avx.Permute2x128(s0, s4, 0x20); c4 = Avx.Permute2x128(s0, s4, 0x31);
        c1 = Avx.Permute2x128(s1, s5, 0x20); c5 = Avx.Permute2x128(s1, s5, 0x31);
        c2 = Avx.Permute2x128(s2, s6, 0x20); c6 = Avx.Permute2x128(s2, s6, 0x31);
        c3 = Avx.Permute2x128(s3, s7, 0x20); c7 = Avx.Permute2x128(s3, s7, 0x31);
    }
}
