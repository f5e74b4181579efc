using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace EdgeBert.Kernels.Integer;

/// <summary>
/// Per-token activation preparation for the integer GEMMs: copies into the kernel's format and
/// Σx. It is O(M·K) against the GEMM's O(M·N·K), but scalar byte loops cost ~10% of a
/// 128 × 3072 × 768 W2A8 GEMM, so the loops are vectorised.
/// </summary>
internal static unsafe class ActivationStaging
{
    /// <summary>Copies k signed bytes XOR <paramref name="flip"/> (0x80 = +128 as u8) and pads to kPad with flip.</summary>
    public static void Bytes(sbyte* x, int k, int kPad, byte* dst, byte flip)
    {
        var src = new ReadOnlySpan<byte>(x, k);
        var d = new Span<byte>(dst, kPad);
        if (flip == 0) src.CopyTo(d);
        else TensorPrimitives.Xor(src, flip, d[..k]);
        d[k..].Fill(flip);
    }

    /// <summary>Sign-extends k signed bytes to int16 and pads to kPad with zeros.</summary>
    public static void Int16(sbyte* x, int k, int kPad, byte* dst)
    {
        short* d = (short*)dst;
        int i = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            for (; i + 16 <= k; i += 16)
            {
                (Vector128<short> lo, Vector128<short> hi) = Vector128.Widen(Vector128.Load(x + i));
                lo.Store(d + i);
                hi.Store(d + i + 8);
            }
        }
        for (; i < k; i++) d[i] = x[i];
        new Span<short>(d + k, kPad - k).Clear();
    }

    /// <summary>Σ x[0..k) exactly (int32: |Σ| ≤ 128·K).</summary>
    public static int Sum(sbyte* x, int k)
    {
        int i = 0, sum = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            Vector128<int> acc = Vector128<int>.Zero;
            for (; i + 16 <= k; i += 16)
            {
                (Vector128<short> lo, Vector128<short> hi) = Vector128.Widen(Vector128.Load(x + i));
                (Vector128<int> a, Vector128<int> b) = Vector128.Widen(lo + hi); // |lo + hi| ≤ 256
                acc += a + b;
            }
            sum = Vector128.Sum(acc);
        }
        for (; i < k; i++) sum += x[i];
        return sum;
    }
}
