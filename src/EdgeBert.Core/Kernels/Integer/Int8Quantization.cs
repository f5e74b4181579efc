using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using CommunityToolkit.HighPerformance.Buffers;
using CommunityToolkit.HighPerformance.Helpers;

namespace EdgeBert.Kernels.Integer;

/// <summary>
/// Activation quantization helpers (float rows → int8, one scale per row = per token),
/// vectorised through <see cref="TensorPrimitives"/>. Rounding is to nearest, ties to even.
/// </summary>
public static unsafe class Int8Quantization
{
    /// <summary>
    /// Symmetric absmax quantization per row: <c>scale = absmax / 127</c>,
    /// <c>q = round(x · (127 / absmax))</c> in [−127, 127]; an all-zero row gets scale 0 and q = 0.
    /// With a <paramref name="clip"/> c (TernaryBERT's clip_val), x is first clipped to [−c, c],
    /// i.e. absmax becomes min(absmax, c) and q saturates at ±127. This is the activation format of
    /// the W8A8 and W2A8 GEMMs. For a per-tensor scale, pass the contiguous tensor as one row.
    /// Rows are independent, so <paramref name="threads"/> &gt; 1 splits them over threads with
    /// the same result.
    /// </summary>
    /// <exception cref="ArgumentException">A row holds NaN or infinity, a buffer is too short, or clip ≤ 0.</exception>
    public static void QuantizeSymmetric(ReadOnlySpan<float> x, int rows, int cols, int ldx,
        Span<sbyte> q, int ldq, Span<float> scales, float clip = float.PositiveInfinity, int threads = 1)
    {
        Check(x.Length, rows, cols, ldx, q.Length, ldq, scales.Length, "scales");
        if (!(clip > 0f)) throw new ArgumentOutOfRangeException(nameof(clip), clip, "The clip value must be positive.");
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (rows == 0) return;
        fixed (float* px = x, ps = scales)
        fixed (sbyte* pq = q)
        {
            var work = new SymmetricRows { X = px, Q = pq, Scales = ps, Cols = cols, Ldx = ldx, Ldq = ldq, Clip = clip };
            KernelParallel.For(rows, threads, minChunk: 8, in work);
        }
    }

    /// <summary>One row of <see cref="QuantizeSymmetric"/>.</summary>
    private struct SymmetricRows : IAction
    {
        public float* X, Scales;
        public sbyte* Q;
        public int Cols, Ldx, Ldq;
        public float Clip;

        public readonly void Invoke(int r)
        {
            var row = new ReadOnlySpan<float>(X + (long)r * Ldx, Cols);
            var dst = new Span<sbyte>(Q + (long)r * Ldq, Cols);
            float absMax = AbsMax(X + (long)r * Ldx, Cols);
            ThrowIfNotFinite(absMax, r);
            absMax = Math.Min(absMax, Clip);
            if (absMax == 0f)
            {
                Scales[r] = 0f;
                dst.Clear();
                return;
            }
            Scales[r] = absMax / 127f;
            RoundToCodes(row, 127f / absMax, dst);
        }
    }

    /// <summary>
    /// max |x_i| over n values (0 for none), exactly; NaN or infinity when the row holds either.
    /// On the bit patterns with the sign cleared, integer order is the order of |x| and every
    /// non-finite value lies above every finite one, so an integer max (no NaN or −0 fix-ups,
    /// unlike <see cref="TensorPrimitives.MaxMagnitude{T}(ReadOnlySpan{T})"/>, which took two
    /// thirds of the quantizer's time) finds both the maximum and any non-finite value.
    /// </summary>
    private static float AbsMax(float* x, int n)
    {
        // One loop at the platform's Vector<T> width (256-bit on x64, 128-bit on ARM): the pass is
        // L1-bound, and measured as fast as a 512-bit copy of it on AVX-512.
        int i = 0, w = Vector<uint>.Count;
        uint bits = 0;
        if (Vector.IsHardwareAccelerated && n >= 4 * w)
        {
            Vector<uint> mask = new(0x7FFF_FFFFu), m0 = default, m1 = default, m2 = default, m3 = default;
            for (; i <= n - 4 * w; i += 4 * w)
            {
                m0 = Vector.Max(m0, Vector.Load((uint*)x + i) & mask);
                m1 = Vector.Max(m1, Vector.Load((uint*)x + i + w) & mask);
                m2 = Vector.Max(m2, Vector.Load((uint*)x + i + 2 * w) & mask);
                m3 = Vector.Max(m3, Vector.Load((uint*)x + i + 3 * w) & mask);
            }
            Vector<uint> m = Vector.Max(Vector.Max(m0, m1), Vector.Max(m2, m3));
            for (int lane = 0; lane < w; lane++) bits = Math.Max(bits, m[lane]);
        }
        for (; i < n; i++) bits = Math.Max(bits, ((uint*)x)[i] & 0x7FFF_FFFFu);
        return BitConverter.UInt32BitsToSingle(bits);
    }

    /// <summary>
    /// q = clamp(round(x · multiplier), −127, 127), ties to even, in one pass (64 values per step
    /// with AVX-512, 32 where 256-bit vectors are accelerated, element-wise the same as the scalar
    /// tail: one IEEE multiply, round to nearest even, clamp, exact conversion). Only clipped
    /// values leave [−127, 127]; the range stays symmetric (−128 never appears).
    /// </summary>
    private static void RoundToCodes(ReadOnlySpan<float> row, float multiplier, Span<sbyte> dst)
    {
        int i = 0, n = row.Length;
        fixed (float* px = row)
        fixed (sbyte* pq = dst)
        {
            if (Avx512F.IsSupported)
            {
                Vector512<float> m = Vector512.Create(multiplier), low = Vector512.Create(-127f), high = Vector512.Create(127f);
                for (; i <= n - 64; i += 64)
                {
                    Avx512F.ConvertToVector128SByte(Code(Vector512.Load(px + i), m, low, high)).Store(pq + i);
                    Avx512F.ConvertToVector128SByte(Code(Vector512.Load(px + i + 16), m, low, high)).Store(pq + i + 16);
                    Avx512F.ConvertToVector128SByte(Code(Vector512.Load(px + i + 32), m, low, high)).Store(pq + i + 32);
                    Avx512F.ConvertToVector128SByte(Code(Vector512.Load(px + i + 48), m, low, high)).Store(pq + i + 48);
                }
            }
            else if (Vector256.IsHardwareAccelerated)
            {
                Vector256<float> m = Vector256.Create(multiplier), low = Vector256.Create(-127f), high = Vector256.Create(127f);
                for (; i <= n - 32; i += 32)
                {
                    Vector256<int> c0 = Code(Vector256.Load(px + i), m, low, high);
                    Vector256<int> c1 = Code(Vector256.Load(px + i + 8), m, low, high);
                    Vector256<int> c2 = Code(Vector256.Load(px + i + 16), m, low, high);
                    Vector256<int> c3 = Code(Vector256.Load(px + i + 24), m, low, high);
                    Vector256.Narrow(Vector256.Narrow(c0, c1), Vector256.Narrow(c2, c3)).Store(pq + i);
                }
            }
        }
        for (; i < n; i++) dst[i] = (sbyte)Math.Clamp(MathF.Round(row[i] * multiplier), -127f, 127f);
    }

    // The Native min, max and conversion skip the NaN and saturation fix-ups: rows are finite
    // (checked before), so every value is already a rounded float in [−127, 127].
    private static Vector512<int> Code(Vector512<float> x, Vector512<float> multiplier, Vector512<float> low, Vector512<float> high) =>
        Vector512.ConvertToInt32Native(Vector512.MinNative(Vector512.MaxNative(Vector512.Round(x * multiplier), low), high));

    private static Vector256<int> Code(Vector256<float> x, Vector256<float> multiplier, Vector256<float> low, Vector256<float> high) =>
        Vector256.ConvertToInt32Native(Vector256.MinNative(Vector256.MaxNative(Vector256.Round(x * multiplier), low), high));

    /// <summary>
    /// Asymmetric min-max quantization per row over the range [min(x, 0), max(x, 0)] (so 0 is
    /// exact): <c>scale = (max − min) / 255</c>, <c>zeroPoint = clamp(round(−128 − min / scale))</c>,
    /// <c>q = clamp(round(x / scale) + zeroPoint, −128, 127)</c>, <c>x ≈ scale · (q − zeroPoint)</c>.
    /// </summary>
    /// <exception cref="ArgumentException">A row holds NaN or infinity, or a buffer is too short.</exception>
    public static void QuantizeAsymmetric(ReadOnlySpan<float> x, int rows, int cols, int ldx,
        Span<sbyte> q, int ldq, Span<float> scales, Span<int> zeroPoints)
    {
        Check(x.Length, rows, cols, ldx, q.Length, ldq, scales.Length, "scales");
        if (zeroPoints.Length < rows)
            throw new ArgumentException($"zeroPoints has {zeroPoints.Length} values, expected {rows}.", nameof(zeroPoints));
        using SpanOwner<float> scratch = SpanOwner<float>.Allocate(cols);
        Span<float> tmp = scratch.Span;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = x.Slice(r * ldx, cols);
            Span<sbyte> dst = q.Slice(r * ldq, cols);
            float min = cols == 0 ? 0f : Math.Min(0f, TensorPrimitives.Min(row));
            float max = cols == 0 ? 0f : Math.Max(0f, TensorPrimitives.Max(row));
            ThrowIfNotFinite(max - min, r);
            if (max == min)
            {
                scales[r] = 0f;
                zeroPoints[r] = 0;
                dst.Clear();
                continue;
            }
            float scale = (max - min) / 255f;
            int zeroPoint = (int)Math.Clamp(MathF.Round(-128f - min / scale), -128f, 127f);
            scales[r] = scale;
            zeroPoints[r] = zeroPoint;
            TensorPrimitives.Divide(row, scale, tmp);
            TensorPrimitives.Round(tmp, tmp);
            TensorPrimitives.Add(tmp, zeroPoint, tmp);
            TensorPrimitives.ConvertSaturating<float, sbyte>(tmp, dst);
        }
    }

    /// <summary>
    /// <c>x = scale · (q − zeroPoint)</c> per row; pass an empty <paramref name="zeroPoints"/> for symmetric data.
    /// </summary>
    public static void Dequantize(ReadOnlySpan<sbyte> q, int rows, int cols, int ldq,
        ReadOnlySpan<float> scales, ReadOnlySpan<int> zeroPoints, Span<float> x, int ldx)
    {
        Check(x.Length, rows, cols, ldx, q.Length, ldq, scales.Length, "scales");
        if (!zeroPoints.IsEmpty && zeroPoints.Length < rows)
            throw new ArgumentException($"zeroPoints has {zeroPoints.Length} values, expected {rows} (or none).", nameof(zeroPoints));
        for (int r = 0; r < rows; r++)
        {
            Span<float> dst = x.Slice(r * ldx, cols);
            TensorPrimitives.ConvertChecked<sbyte, float>(q.Slice(r * ldq, cols), dst);
            if (!zeroPoints.IsEmpty) TensorPrimitives.Subtract(dst, (float)zeroPoints[r], dst);
            TensorPrimitives.Multiply(dst, scales[r], dst);
        }
    }

    private static void ThrowIfNotFinite(float value, int row)
    {
        if (!float.IsFinite(value))
            throw new ArgumentException($"Row {row} holds NaN or infinity and cannot be quantized.", "x");
    }

    private static void Check(int xLength, int rows, int cols, int ldx, int qLength, int ldq, int scalesLength, string scalesName)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        if (ldx < cols) throw new ArgumentOutOfRangeException(nameof(ldx), ldx, $"Row stride of x must be at least {cols}.");
        if (ldq < cols) throw new ArgumentOutOfRangeException(nameof(ldq), ldq, $"Row stride of q must be at least {cols}.");
        if (rows == 0) return;
        if (xLength < (long)(rows - 1) * ldx + cols)
            throw new ArgumentException($"x has {xLength} values, [{rows}, {cols}] with stride {ldx} needs {(long)(rows - 1) * ldx + cols}.", "x");
        if (qLength < (long)(rows - 1) * ldq + cols)
            throw new ArgumentException($"q has {qLength} values, [{rows}, {cols}] with stride {ldq} needs {(long)(rows - 1) * ldq + cols}.", "q");
        if (scalesLength < rows)
            throw new ArgumentException($"{scalesName} has {scalesLength} values, expected {rows}.", scalesName);
    }
}
