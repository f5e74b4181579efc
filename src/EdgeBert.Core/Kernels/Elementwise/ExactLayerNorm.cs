using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using CommunityToolkit.HighPerformance.Helpers;
using EdgeBert.Kernels.Packing;

namespace EdgeBert.Kernels.Elementwise;

/// <summary>
/// The encoder's LayerNorm, specified to the last bit (docs/inference.md), optionally after a
/// residual add: x ← x + residual (float32), then per row
/// mean = (Σ_i x_i) / w and var = (Σ_i (x_i − mean)²) / w, each sum accumulated in float64 in
/// index order i = 0, 1, …, w − 1, inverse = 1 / sqrt(var + eps), and
/// y_i = (float)((x_i − mean) · inverse · gamma_i + beta_i) evaluated in float64 without fused
/// multiply-adds. That is exactly the scalar reference (<see cref="Reference"/>) and what the
/// trainer simulates; the order of each row's sums is fixed, so the result does not depend on the
/// instruction set. The speed comes from running the sequential sums of many rows side by side
/// (independent dependency chains): with AVX-512, <see cref="VectorRowBlock"/> rows as the lanes
/// of four float64 vectors after an 8 × 8 transpose (ExactLayerNorm.Avx512.cs), otherwise
/// <see cref="RowBlock"/> scalar chains; the last pass runs as float64 vectors (element-wise, so
/// identical to the scalar one); blocks of rows are split over threads.
/// </summary>
public static unsafe partial class ExactLayerNorm
{
    /// <summary>Rows whose sums run interleaved as scalar chains.</summary>
    public const int RowBlock = 8;

    /// <summary>Rows per parallel work item: one vector block with AVX-512, else one scalar block.</summary>
    private static int BlockRows => VectorSumsSupported ? VectorRowBlock : RowBlock;

    /// <summary>
    /// x ← LayerNorm(x + residual) over each of <paramref name="rows"/> rows of <paramref name="width"/>,
    /// in place; an empty <paramref name="residual"/> means no add.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
    public static void Apply(Span<float> x, ReadOnlySpan<float> residual, int rows, int width, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        float epsilon, int threads) =>
        Apply(x, residual, rows, width, gamma, beta, epsilon, default, threads);

    /// <summary>
    /// x ← LayerNorm(x + residual) as <see cref="Apply(Span{float}, ReadOnlySpan{float}, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, float, int)"/>,
    /// and, when <paramref name="signs"/> is not empty, the signs of the result packed in the same
    /// pass (the next sign-binarized GEMM's input): <paramref name="rows"/> ×
    /// <see cref="BinaryLayout.RowStrideWords"/>(<paramref name="width"/>) words, bit 1 where the
    /// float result is &lt; 0, padding 0, exactly as <see cref="Packing.SignPacking"/> packs x.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
    public static void Apply(Span<float> x, ReadOnlySpan<float> residual, int rows, int width, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        float epsilon, Span<ulong> signs, int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        RowChecks.Matrix(x.Length, rows, width, nameof(x));
        if (!residual.IsEmpty) RowChecks.Matrix(residual.Length, rows, width, nameof(residual));
        RowChecks.Vector(gamma.Length, width, nameof(gamma));
        RowChecks.Vector(beta.Length, width, nameof(beta));
        if (!signs.IsEmpty) BinaryLayout.ThrowIfTooShort(signs.Length, rows, width, nameof(signs));
        fixed (float* px = x)
        fixed (float* pr = residual)
        fixed (float* pg = gamma)
        fixed (float* pb = beta)
        fixed (ulong* ps = signs)
        {
            var work = new BlockWork
            {
                X = px, Residual = pr, Gamma = pg, Beta = pb, Signs = ps, SignStride = BinaryLayout.RowStrideWords(width),
                Rows = rows, Width = width, Epsilon = epsilon,
            };
            KernelParallel.For((rows + BlockRows - 1) / BlockRows, threads, minChunk: 1, in work);
        }
    }

    /// <summary>The scalar reference: one row at a time, exactly the arithmetic of <see cref="Apply(Span{float}, ReadOnlySpan{float}, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, float, int)"/>.</summary>
    public static void Reference(Span<float> x, int rows, int width, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, float epsilon)
    {
        for (int m = 0; m < rows; m++)
        {
            Span<float> row = x.Slice(m * width, width);
            double mean = 0, variance = 0;
            for (int i = 0; i < row.Length; i++) mean += row[i];
            mean /= width;
            for (int i = 0; i < row.Length; i++) variance += (row[i] - mean) * (row[i] - mean);
            variance /= width;
            double inverse = 1.0 / Math.Sqrt(variance + epsilon);
            for (int i = 0; i < row.Length; i++) row[i] = (float)((row[i] - mean) * inverse * gamma[i] + beta[i]);
        }
    }

    private struct BlockWork : IAction
    {
        public float* X, Residual, Gamma, Beta;
        /// <summary>Packed sign rows, or null for none.</summary>
        public ulong* Signs;
        public int SignStride, Rows, Width;
        public float Epsilon;

        [SkipLocalsInit]
        public readonly void Invoke(int block)
        {
            int first = block * BlockRows, count = Math.Min(BlockRows, Rows - first), w = Width;
            float* x = X + (long)first * w;
            if (Residual != null) AddResidual(x, Residual + (long)first * w, count * w);
            double* mean = stackalloc double[VectorRowBlock];
            double* inverse = stackalloc double[VectorRowBlock];
            int r0 = 0;
            if (count == VectorRowBlock)
            {
                float[] kept = ArrayPool<float>.Shared.Rent(VectorRowBlock * w);
                fixed (float* columns = kept)
                {
                    Means32(x, w, mean, columns);
                    Variances32(x, w, mean, inverse, columns);
                }
                ArrayPool<float>.Shared.Return(kept);
                r0 = VectorRowBlock;
            }
            for (; r0 + RowBlock <= count; r0 += RowBlock)
            {
                Means8(x + (long)r0 * w, w, mean + r0);
                Variances8(x + (long)r0 * w, w, mean + r0, inverse + r0);
            }
            for (int r = r0; r < count; r++)
            {
                float* row = x + (long)r * w;
                double sum = 0;
                for (int i = 0; i < w; i++) sum += row[i];
                mean[r] = sum / w;
                double m = mean[r], variance = 0;
                for (int i = 0; i < w; i++) variance += (row[i] - m) * (row[i] - m);
                inverse[r] = variance;
            }
            for (int r = 0; r < count; r++)
            {
                double variance = inverse[r] / w;
                Normalize(x + (long)r * w, w, mean[r], 1.0 / Math.Sqrt(variance + Epsilon), Gamma, Beta,
                    Signs == null ? null : Signs + (long)(first + r) * SignStride);
            }
        }
    }

    private static void AddResidual(float* x, float* residual, int n)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                (Vector256.Load(x + i) + Vector256.Load(residual + i)).Store(x + i);
            }
        }
        for (; i < n; i++) x[i] += residual[i];
    }

    /// <summary>mean[r] = (Σ_i x[r, i]) / w for 8 rows, each sum in index order (8 independent chains).</summary>
    private static void Means8(float* x, int w, double* mean)
    {
        float* x0 = x, x1 = x + w, x2 = x + 2 * w, x3 = x + 3 * w, x4 = x + 4 * w, x5 = x + 5 * w, x6 = x + 6 * w, x7 = x + 7 * w;
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        for (int i = 0; i < w; i++)
        {
            s0 += x0[i]; s1 += x1[i]; s2 += x2[i]; s3 += x3[i];
            s4 += x4[i]; s5 += x5[i]; s6 += x6[i]; s7 += x7[i];
        }
        mean[0] = s0 / w; mean[1] = s1 / w; mean[2] = s2 / w; mean[3] = s3 / w;
        mean[4] = s4 / w; mean[5] = s5 / w; mean[6] = s6 / w; mean[7] = s7 / w;
    }

    /// <summary>sum[r] = Σ_i (x[r, i] − mean[r])² for 8 rows, in index order (not yet divided by w).</summary>
    private static void Variances8(float* x, int w, double* mean, double* sum)
    {
        float* x0 = x, x1 = x + w, x2 = x + 2 * w, x3 = x + 3 * w, x4 = x + 4 * w, x5 = x + 5 * w, x6 = x + 6 * w, x7 = x + 7 * w;
        double m0 = mean[0], m1 = mean[1], m2 = mean[2], m3 = mean[3], m4 = mean[4], m5 = mean[5], m6 = mean[6], m7 = mean[7];
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        for (int i = 0; i < w; i++)
        {
            double d0 = x0[i] - m0, d1 = x1[i] - m1, d2 = x2[i] - m2, d3 = x3[i] - m3;
            double d4 = x4[i] - m4, d5 = x5[i] - m5, d6 = x6[i] - m6, d7 = x7[i] - m7;
            s0 += d0 * d0; s1 += d1 * d1; s2 += d2 * d2; s3 += d3 * d3;
            s4 += d4 * d4; s5 += d5 * d5; s6 += d6 * d6; s7 += d7 * d7;
        }
        sum[0] = s0; sum[1] = s1; sum[2] = s2; sum[3] = s3; sum[4] = s4; sum[5] = s5; sum[6] = s6; sum[7] = s7;
    }

    /// <summary>
    /// y_i = (float)((x_i − mean) · inverse · gamma_i + beta_i) in float64, element-wise (no FMA: the JIT never contracts);
    /// with <paramref name="signs"/>, also bit i = [y_i &lt; 0] into the row's packed words (padding 0).
    /// </summary>
    private static void Normalize(float* x, int w, double mean, double inverse, float* gamma, float* beta, ulong* signs)
    {
        int i = 0;
        ulong word = 0;
        if (VectorSumsSupported)
        {
            i = Normalize512(x, w, mean, inverse, gamma, beta, signs, ref word);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<double> m = Vector256.Create(mean), s = Vector256.Create(inverse);
            for (; i <= w - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var (x0, x1) = Vector256.Widen(Vector256.Load(x + i));
                var (g0, g1) = Vector256.Widen(Vector256.Load(gamma + i));
                var (b0, b1) = Vector256.Widen(Vector256.Load(beta + i));
                Vector256<double> y0 = (x0 - m) * s * g0 + b0, y1 = (x1 - m) * s * g1 + b1;
                Vector256<float> y = Vector256.Narrow(y0, y1);
                y.Store(x + i);
                if (signs != null)
                {
                    // A compare, not the sign bit: −0 packs as +1, as SignPacking does.
                    word |= (ulong)Vector256.LessThan(y, Vector256<float>.Zero).ExtractMostSignificantBits() << (i & 63);
                    if ((i & 63) == 64 - Vector256<float>.Count)
                    {
                        signs[i >> 6] = word;
                        word = 0;
                    }
                }
            }
        }
        for (; i < w; i++)
        {
            float y = (float)((x[i] - mean) * inverse * gamma[i] + beta[i]);
            x[i] = y;
            if (y < 0f) word |= 1UL << (i & 63);
            if ((i & 63) == 63)
            {
                if (signs != null) signs[i >> 6] = word;
                word = 0;
            }
        }
        if (signs == null) return;
        if ((w & 63) != 0) signs[w >> 6] = word;
        for (int k = BinaryLayout.WordsPerRow(w); k < BinaryLayout.RowStrideWords(w); k++) signs[k] = 0;
    }
}
