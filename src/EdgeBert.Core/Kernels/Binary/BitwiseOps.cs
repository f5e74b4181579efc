using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeBert.Kernels.Binary;

/// <summary>
/// The bitwise step before the popcount, the only thing in which the three popcount GEMMs
/// differ. Written once per vector width so that the micro-kernels are generic over it and
/// the JIT specialises each (op, width) pair.
/// </summary>
internal interface IBitwiseOp
{
    /// <summary>Weight words per K-word and output: 1 (binary) or 2 (ternary sign + nonzero).</summary>
    static abstract int WeightPlanes { get; }

    /// <summary>The combined word whose popcount is accumulated.</summary>
    static abstract ulong Apply(ulong a, ulong w0, ulong w1);

    /// <summary><see cref="Apply(ulong, ulong, ulong)"/> on 2 words.</summary>
    static abstract Vector128<ulong> Apply(Vector128<ulong> a, Vector128<ulong> w0, Vector128<ulong> w1);

    /// <summary><see cref="Apply(ulong, ulong, ulong)"/> on 4 words.</summary>
    static abstract Vector256<ulong> Apply(Vector256<ulong> a, Vector256<ulong> w0, Vector256<ulong> w1);

    /// <summary>
    /// AVX-512 fused form: splits the weight words of one K-step into a (weight, mask) pair per
    /// nibble, such that <see cref="NibbleIndex512"/>(a, w, c) = one nibble of Apply(a, w0, w1) in
    /// the low 4 bits of every byte. The high nibble pair is already shifted right by 4, so the
    /// kernel feeds it the activation shifted right by 4 (shifts commute with ⊕ and ∧).
    /// </summary>
    static abstract void SplitNibbles512(Vector512<ulong> w0, Vector512<ulong> w1, Vector512<ulong> nibble,
        out Vector512<ulong> lowWeight, out Vector512<ulong> lowMask, out Vector512<ulong> highWeight, out Vector512<ulong> highMask);

    /// <summary>One vpternlogq: the op of activation and weight, masked to a nibble lookup index.</summary>
    static abstract Vector512<byte> NibbleIndex512(Vector512<ulong> a, Vector512<ulong> w, Vector512<ulong> mask);
}

/// <summary>Nibble splitting shared by the single-plane ops (the mask is just 0x0F).</summary>
internal static class SinglePlaneNibbles
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Split512(Vector512<ulong> w0, Vector512<ulong> nibble,
        out Vector512<ulong> lowWeight, out Vector512<ulong> lowMask, out Vector512<ulong> highWeight, out Vector512<ulong> highMask)
    {
        lowWeight = w0;
        lowMask = nibble;
        highWeight = Vector512.ShiftRightLogical(w0, 4);
        highMask = nibble;
    }
}

/// <summary>W1A1: mismatches a ⊕ w; dot = K − 2·popcount.</summary>
internal readonly struct XorOp : IBitwiseOp
{
    public static int WeightPlanes => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Apply(ulong a, ulong w0, ulong w1) => a ^ w0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<ulong> Apply(Vector128<ulong> a, Vector128<ulong> w0, Vector128<ulong> w1) => a ^ w0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> Apply(Vector256<ulong> a, Vector256<ulong> w0, Vector256<ulong> w1) => a ^ w0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SplitNibbles512(Vector512<ulong> w0, Vector512<ulong> w1, Vector512<ulong> nibble,
        out Vector512<ulong> lowWeight, out Vector512<ulong> lowMask, out Vector512<ulong> highWeight, out Vector512<ulong> highMask) =>
        SinglePlaneNibbles.Split512(w0, nibble, out lowWeight, out lowMask, out highWeight, out highMask);

    // (A ⊕ B) ∧ C: truth table (0xF0 ^ 0xCC) & 0xAA = 0x28.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<byte> NibbleIndex512(Vector512<ulong> a, Vector512<ulong> w, Vector512<ulong> mask) =>
        Avx512F.TernaryLogic(a, w, mask, 0x28).AsByte();
}

/// <summary>W2A1: mismatches on the nonzero weights, (a ⊕ s) ∧ m; dot = Σm − 2·popcount.</summary>
internal readonly struct MaskedXorOp : IBitwiseOp
{
    public static int WeightPlanes => 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Apply(ulong a, ulong w0, ulong w1) => (a ^ w0) & w1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<ulong> Apply(Vector128<ulong> a, Vector128<ulong> w0, Vector128<ulong> w1) => (a ^ w0) & w1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> Apply(Vector256<ulong> a, Vector256<ulong> w0, Vector256<ulong> w1) => (a ^ w0) & w1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SplitNibbles512(Vector512<ulong> w0, Vector512<ulong> w1, Vector512<ulong> nibble,
        out Vector512<ulong> lowWeight, out Vector512<ulong> lowMask, out Vector512<ulong> highWeight, out Vector512<ulong> highMask)
    {
        // (a ⊕ s) ∧ m ∧ 0x0F = (a ⊕ s) ∧ (m ∧ 0x0F): the nonzero plane becomes the nibble mask.
        lowWeight = w0;
        lowMask = w1 & nibble;
        highWeight = Vector512.ShiftRightLogical(w0, 4);
        highMask = Vector512.ShiftRightLogical(w1, 4) & nibble;
    }

    // (A ⊕ B) ∧ C: truth table (0xF0 ^ 0xCC) & 0xAA = 0x28.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<byte> NibbleIndex512(Vector512<ulong> a, Vector512<ulong> w, Vector512<ulong> mask) =>
        Avx512F.TernaryLogic(a, w, mask, 0x28).AsByte();
}

/// <summary>Bit-serial W1A4/W1A8: activation plane bits on negative weights, a_b ∧ wneg.</summary>
internal readonly struct AndOp : IBitwiseOp
{
    public static int WeightPlanes => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Apply(ulong a, ulong w0, ulong w1) => a & w0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<ulong> Apply(Vector128<ulong> a, Vector128<ulong> w0, Vector128<ulong> w1) => a & w0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<ulong> Apply(Vector256<ulong> a, Vector256<ulong> w0, Vector256<ulong> w1) => a & w0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SplitNibbles512(Vector512<ulong> w0, Vector512<ulong> w1, Vector512<ulong> nibble,
        out Vector512<ulong> lowWeight, out Vector512<ulong> lowMask, out Vector512<ulong> highWeight, out Vector512<ulong> highMask) =>
        SinglePlaneNibbles.Split512(w0, nibble, out lowWeight, out lowMask, out highWeight, out highMask);

    // A ∧ B ∧ C: truth table 0xF0 & 0xCC & 0xAA = 0x80.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<byte> NibbleIndex512(Vector512<ulong> a, Vector512<ulong> w, Vector512<ulong> mask) =>
        Avx512F.TernaryLogic(a, w, mask, 0x80).AsByte();
}
