using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeBert.Kernels.Elementwise;

/// <summary>
/// GELU in its exact (erf) form, PyTorch's default: <c>gelu(x) = x · Φ(x) = ½ · x · erfc(−x/√2)</c>.
/// </summary>
/// <remarks>
/// Neither the BCL nor <c>TensorPrimitives</c> has erf, and composing it from ~20
/// <c>TensorPrimitives</c> passes cost 3 ms per 128 × 3072 FFN activation, as much as the FFN's
/// W2A8 GEMM itself; so this is one fused pass with <c>Vector512/256/128.Exp</c>, widest first,
/// the tail handled by an overlapping last vector (computed before the loop, so in-place works).
/// Writing Φ through erfc keeps the relative accuracy of the negative tail. erfc is the Chebyshev
/// fit of Numerical Recipes (<c>erfcc</c>, fractional error &lt; 1.2·10⁻⁷):
/// <c>erfc(z) = t·exp(−z² + P(t))</c>, <c>t = 1/(1 + |z|/2)</c> for z ≥ 0, and 2 − erfc(−z) below.
/// The result is within 1·10⁻⁶ of <c>torch.nn.functional.gelu</c> (tested).
/// </remarks>
public static class Gelu
{
    private const float C0 = -1.26551223f, C1 = 1.00002368f, C2 = 0.37409196f, C3 = 0.09678418f, C4 = -0.18628806f;
    private const float C5 = 0.27886807f, C6 = -1.13520398f, C7 = 1.48851587f, C8 = -0.82215223f, C9 = 0.17087277f;
    private const float MinusInvSqrt2 = -0.70710678118654752f;
    private const float InvSqrt2Pi = 0.39894228040143268f;

    /// <summary>y = gelu(x), elementwise; <paramref name="y"/> may be <paramref name="x"/>.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void Apply(ReadOnlySpan<float> x, Span<float> y)
    {
        RowChecks.SameLength(x.Length, y.Length, nameof(x), nameof(y));
        ref float src = ref MemoryMarshal.GetReference(x);
        ref float dst = ref MemoryMarshal.GetReference(y);
        int n = x.Length;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            int w = Vector512<float>.Count;
            Vector512<float> last = Of(Vector512.LoadUnsafe(ref src, (nuint)(n - w)));
            for (int i = 0; i <= n - w; i += w) Of(Vector512.LoadUnsafe(ref src, (nuint)i)).StoreUnsafe(ref dst, (nuint)i);
            last.StoreUnsafe(ref dst, (nuint)(n - w));
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            int w = Vector256<float>.Count;
            Vector256<float> last = Of(Vector256.LoadUnsafe(ref src, (nuint)(n - w)));
            for (int i = 0; i <= n - w; i += w) Of(Vector256.LoadUnsafe(ref src, (nuint)i)).StoreUnsafe(ref dst, (nuint)i);
            last.StoreUnsafe(ref dst, (nuint)(n - w));
        }
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count)
        {
            int w = Vector128<float>.Count;
            Vector128<float> last = Of(Vector128.LoadUnsafe(ref src, (nuint)(n - w)));
            for (int i = 0; i <= n - w; i += w) Of(Vector128.LoadUnsafe(ref src, (nuint)i)).StoreUnsafe(ref dst, (nuint)i);
            last.StoreUnsafe(ref dst, (nuint)(n - w));
        }
        else
        {
            for (int i = 0; i < n; i++) Unsafe.Add(ref dst, i) = Of(Unsafe.Add(ref src, i));
        }
    }

    /// <summary>
    /// Backward pass: <c>dx = dy · gelu′(x)</c> with <c>gelu′(x) = Φ(x) + x·φ(x)</c> (what
    /// PyTorch's autograd computes for the erf form). <paramref name="dx"/> may alias <paramref name="dy"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)
    {
        RowChecks.SameLength(x.Length, dy.Length, nameof(x), nameof(dy));
        RowChecks.SameLength(x.Length, dx.Length, nameof(x), nameof(dx));
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float pdy = ref MemoryMarshal.GetReference(dy);
        ref float pdx = ref MemoryMarshal.GetReference(dx);
        int n = x.Length;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            int w = Vector512<float>.Count;
            nuint tail = (nuint)(n - w);
            Vector512<float> last = Vector512.LoadUnsafe(ref pdy, tail) * Derivative(Vector512.LoadUnsafe(ref px, tail));
            for (int i = 0; i <= n - w; i += w)
                (Vector512.LoadUnsafe(ref pdy, (nuint)i) * Derivative(Vector512.LoadUnsafe(ref px, (nuint)i))).StoreUnsafe(ref pdx, (nuint)i);
            last.StoreUnsafe(ref pdx, tail);
        }
        else if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            int w = Vector256<float>.Count;
            nuint tail = (nuint)(n - w);
            Vector256<float> last = Vector256.LoadUnsafe(ref pdy, tail) * Derivative(Vector256.LoadUnsafe(ref px, tail));
            for (int i = 0; i <= n - w; i += w)
                (Vector256.LoadUnsafe(ref pdy, (nuint)i) * Derivative(Vector256.LoadUnsafe(ref px, (nuint)i))).StoreUnsafe(ref pdx, (nuint)i);
            last.StoreUnsafe(ref pdx, tail);
        }
        else if (Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count)
        {
            int w = Vector128<float>.Count;
            nuint tail = (nuint)(n - w);
            Vector128<float> last = Vector128.LoadUnsafe(ref pdy, tail) * Derivative(Vector128.LoadUnsafe(ref px, tail));
            for (int i = 0; i <= n - w; i += w)
                (Vector128.LoadUnsafe(ref pdy, (nuint)i) * Derivative(Vector128.LoadUnsafe(ref px, (nuint)i))).StoreUnsafe(ref pdx, (nuint)i);
            last.StoreUnsafe(ref pdx, tail);
        }
        else
        {
            for (int i = 0; i < n; i++) Unsafe.Add(ref pdx, i) = Unsafe.Add(ref pdy, i) * DerivativeOf(Unsafe.Add(ref px, i));
        }
    }

    /// <summary>Scalar gelu, the same formula as the vector paths.</summary>
    public static float Of(float x) => x * Phi(x);

    /// <summary>Scalar gelu′(x) = Φ(x) + x·φ(x), the same formula as the vector paths.</summary>
    public static float DerivativeOf(float x) => Phi(x) + x * MathF.Exp(-0.5f * x * x) * InvSqrt2Pi;

    /// <summary>Φ(x) = ½·erfc(−x/√2).</summary>
    private static float Phi(float x)
    {
        float z = x * MinusInvSqrt2;
        float t = 1f / (1f + 0.5f * Math.Abs(z));
        float p = ((((((((C9 * t + C8) * t + C7) * t + C6) * t + C5) * t + C4) * t + C3) * t + C2) * t + C1) * t + C0;
        float erfcAbs = t * MathF.Exp(p - z * z);
        return 0.5f * (z >= 0f ? erfcAbs : 2f - erfcAbs);
    }

    private static Vector512<float> Of(Vector512<float> x) => x * Phi(x);

    private static Vector512<float> Derivative(Vector512<float> x) =>
        Phi(x) + x * Vector512.Exp(x * x * -0.5f) * InvSqrt2Pi;

    /// <summary>Φ(x) = ½·erfc(−x/√2).</summary>
    private static Vector512<float> Phi(Vector512<float> x)
    {
        Vector512<float> z = x * MinusInvSqrt2;
        Vector512<float> t = Vector512<float>.One / (Vector512<float>.One + Vector512.Abs(z) * 0.5f);
        Vector512<float> p = Vector512.MultiplyAddEstimate(Vector512.Create(C9), t, Vector512.Create(C8));
        p = Vector512.MultiplyAddEstimate(p, t, Vector512.Create(C7));
        p = Vector512.MultiplyAddEstimate(p, t, Vector512.Create(C6));
        p = Vector512.MultiplyAddEstimate(p, t, Vector512.Create(C5));
        p = Vector512.MultiplyAddEstimate(p, t, Vector512.Create(C4));
        p = Vector512.MultiplyAddEstimate(p, t, Vector512.Create(C3));
        p = Vector512.MultiplyAddEstimate(p, t, Vector512.Create(C2));
        p = Vector512.MultiplyAddEstimate(p, t, Vector512.Create(C1));
        p = Vector512.MultiplyAddEstimate(p, t, Vector512.Create(C0));
        Vector512<float> erfcAbs = t * Vector512.Exp(p - z * z);
        Vector512<float> erfc = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(z, Vector512<float>.Zero), erfcAbs, Vector512.Create(2f) - erfcAbs);
        return erfc * 0.5f;
    }

    private static Vector256<float> Of(Vector256<float> x) => x * Phi(x);

    private static Vector256<float> Derivative(Vector256<float> x) =>
        Phi(x) + x * Vector256.Exp(x * x * -0.5f) * InvSqrt2Pi;

    /// <summary>Φ(x) = ½·erfc(−x/√2).</summary>
    private static Vector256<float> Phi(Vector256<float> x)
    {
        Vector256<float> z = x * MinusInvSqrt2;
        Vector256<float> t = Vector256<float>.One / (Vector256<float>.One + Vector256.Abs(z) * 0.5f);
        Vector256<float> p = Vector256.MultiplyAddEstimate(Vector256.Create(C9), t, Vector256.Create(C8));
        p = Vector256.MultiplyAddEstimate(p, t, Vector256.Create(C7));
        p = Vector256.MultiplyAddEstimate(p, t, Vector256.Create(C6));
        p = Vector256.MultiplyAddEstimate(p, t, Vector256.Create(C5));
        p = Vector256.MultiplyAddEstimate(p, t, Vector256.Create(C4));
        p = Vector256.MultiplyAddEstimate(p, t, Vector256.Create(C3));
        p = Vector256.MultiplyAddEstimate(p, t, Vector256.Create(C2));
        p = Vector256.MultiplyAddEstimate(p, t, Vector256.Create(C1));
        p = Vector256.MultiplyAddEstimate(p, t, Vector256.Create(C0));
        Vector256<float> erfcAbs = t * Vector256.Exp(p - z * z);
        Vector256<float> erfc = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(z, Vector256<float>.Zero), erfcAbs, Vector256.Create(2f) - erfcAbs);
        return erfc * 0.5f;
    }

    private static Vector128<float> Of(Vector128<float> x) => x * Phi(x);

    private static Vector128<float> Derivative(Vector128<float> x) =>
        Phi(x) + x * Vector128.Exp(x * x * -0.5f) * InvSqrt2Pi;

    /// <summary>Φ(x) = ½·erfc(−x/√2).</summary>
    private static Vector128<float> Phi(Vector128<float> x)
    {
        Vector128<float> z = x * MinusInvSqrt2;
        Vector128<float> t = Vector128<float>.One / (Vector128<float>.One + Vector128.Abs(z) * 0.5f);
        Vector128<float> p = Vector128.MultiplyAddEstimate(Vector128.Create(C9), t, Vector128.Create(C8));
        p = Vector128.MultiplyAddEstimate(p, t, Vector128.Create(C7));
        p = Vector128.MultiplyAddEstimate(p, t, Vector128.Create(C6));
        p = Vector128.MultiplyAddEstimate(p, t, Vector128.Create(C5));
        p = Vector128.MultiplyAddEstimate(p, t, Vector128.Create(C4));
        p = Vector128.MultiplyAddEstimate(p, t, Vector128.Create(C3));
        p = Vector128.MultiplyAddEstimate(p, t, Vector128.Create(C2));
        p = Vector128.MultiplyAddEstimate(p, t, Vector128.Create(C1));
        p = Vector128.MultiplyAddEstimate(p, t, Vector128.Create(C0));
        Vector128<float> erfcAbs = t * Vector128.Exp(p - z * z);
        Vector128<float> erfc = Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(z, Vector128<float>.Zero), erfcAbs, Vector128.Create(2f) - erfcAbs);
        return erfc * 0.5f;
    }
}
