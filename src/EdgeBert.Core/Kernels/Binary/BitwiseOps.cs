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

    /// <summary><see cref="Apply(ulong, ulong, ulong)"/> on 8 words.</summary>
    static abstract Vector512<ulong> Apply(Vector512<ulong> a, Vector512<ulong> w0, Vector512<ulong> w1);
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
    public static Vector512<ulong> Apply(Vector512<ulong> a, Vector512<ulong> w0, Vector512<ulong> w1) => a ^ w0;
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
    public static Vector512<ulong> Apply(Vector512<ulong> a, Vector512<ulong> w0, Vector512<ulong> w1)
    {
        // (A ⊕ B) ∧ C in one vpternlogq: truth table (0xF0 ^ 0xCC) & 0xAA = 0x28.
        if (Avx512F.IsSupported) return Avx512F.TernaryLogic(a, w0, w1, 0x28);
        return (a ^ w0) & w1;
    }
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
    public static Vector512<ulong> Apply(Vector512<ulong> a, Vector512<ulong> w0, Vector512<ulong> w1) => a & w0;
}
