using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeBert.Kernels.Elementwise;

/// <summary>
/// The AVX-512 path of <see cref="ExactLayerNorm"/>: the same float64 arithmetic in the same
/// order, with rows as vector lanes. Eight rows × eight columns are transposed (<see cref="RegisterTranspose"/>)
/// so that one float64 vector holds column i of eight rows; each row's sum then still runs
/// i = 0, 1, …, w − 1 in its own lane, and four such vectors (32 rows) are four independent
/// dependency chains. The mean pass keeps the transposed columns (96 KB for 32 rows of 768, a
/// pooled buffer) and the variance pass reads them instead of transposing again (2026-12-04:
/// 69 → 59 µs for 128 × 768 on one thread). The last pass converts, normalizes and narrows
/// eight values per instruction instead of four.
/// </summary>
public static unsafe partial class ExactLayerNorm
{
    /// <summary>Rows whose sums run as the lanes of four float64 vectors (AVX-512 only).</summary>
    public const int VectorRowBlock = 32;

    /// <summary>Whether the 32-row vector sums and the 8-wide float64 last pass are used.</summary>
    internal static bool VectorSumsSupported => Avx512F.IsSupported;

    /// <summary>
    /// mean[r] = (Σ_i x[r, i]) / w for 32 rows, each sum in index order in its own lane; the
    /// transposed 8 × 8 blocks go to <paramref name="columns"/> (32 · (w − w mod 8) floats) so
    /// that <see cref="Variances32"/> reads the same columns without transposing again.
    /// </summary>
    private static void Means32(float* x, int w, double* mean, float* columns)
    {
        long g = 8L * w;
        Vector512<double> s0 = default, s1 = default, s2 = default, s3 = default;
        int i = 0;
        for (; i <= w - 8; i += 8, columns += 4 * 64)
        {
            s0 = AddColumns(s0, x + i, w, columns);
            s1 = AddColumns(s1, x + g + i, w, columns + 64);
            s2 = AddColumns(s2, x + 2 * g + i, w, columns + 128);
            s3 = AddColumns(s3, x + 3 * g + i, w, columns + 192);
        }
        s0.Store(mean); s1.Store(mean + 8); s2.Store(mean + 16); s3.Store(mean + 24);
        for (int r = 0; r < VectorRowBlock; r++)
        {
            float* row = x + (long)r * w;
            double sum = mean[r];
            for (int k = i; k < w; k++) sum += row[k];
            mean[r] = sum / w;
        }
    }

    /// <summary>sum[r] = Σ_i (x[r, i] − mean[r])² for 32 rows, in index order (not yet divided by w), from the columns <see cref="Means32"/> kept.</summary>
    private static void Variances32(float* x, int w, double* mean, double* sum, float* columns)
    {
        Vector512<double> m0 = Vector512.Load(mean), m1 = Vector512.Load(mean + 8), m2 = Vector512.Load(mean + 16), m3 = Vector512.Load(mean + 24);
        Vector512<double> s0 = default, s1 = default, s2 = default, s3 = default;
        int i = 0;
        for (; i <= w - 8; i += 8, columns += 4 * 64)
        {
            s0 = AddSquaredDeviations(s0, columns, m0);
            s1 = AddSquaredDeviations(s1, columns + 64, m1);
            s2 = AddSquaredDeviations(s2, columns + 128, m2);
            s3 = AddSquaredDeviations(s3, columns + 192, m3);
        }
        s0.Store(sum); s1.Store(sum + 8); s2.Store(sum + 16); s3.Store(sum + 24);
        for (int r = 0; r < VectorRowBlock; r++)
        {
            float* row = x + (long)r * w;
            double m = mean[r], s = sum[r];
            for (int k = i; k < w; k++) s += (row[k] - m) * (row[k] - m);
            sum[r] = s;
        }
    }

    /// <summary>s += column j of the 8 × 8 block at x (rows w apart), for j = 0 … 7 in order; the columns are stored at <paramref name="kept"/> (8 × 8 floats).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> AddColumns(Vector512<double> s, float* x, int w, float* kept)
    {
        Transpose8x8(x, w, out var c0, out var c1, out var c2, out var c3, out var c4, out var c5, out var c6, out var c7);
        c0.Store(kept); c1.Store(kept + 8); c2.Store(kept + 16); c3.Store(kept + 24);
        c4.Store(kept + 32); c5.Store(kept + 40); c6.Store(kept + 48); c7.Store(kept + 56);
        s += Avx512F.ConvertToVector512Double(c0);
        s += Avx512F.ConvertToVector512Double(c1);
        s += Avx512F.ConvertToVector512Double(c2);
        s += Avx512F.ConvertToVector512Double(c3);
        s += Avx512F.ConvertToVector512Double(c4);
        s += Avx512F.ConvertToVector512Double(c5);
        s += Avx512F.ConvertToVector512Double(c6);
        s += Avx512F.ConvertToVector512Double(c7);
        return s;
    }

    /// <summary>s += (column j − m)² of the 8 kept columns (8 floats each), for j = 0 … 7 in order (multiply, then add: no FMA).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> AddSquaredDeviations(Vector512<double> s, float* kept, Vector512<double> m)
    {
        for (int j = 0; j < 8; j++) s += Square(Avx512F.ConvertToVector512Double(Vector256.Load(kept + 8 * j)) - m);
        return s;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Square(Vector512<double> d) => d * d;

    /// <summary>Column j of the 8 rows × 8 floats at x (rows w apart): cj = (x[0, j], x[1, j], …, x[7, j]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* x, int w,
        out Vector256<float> c0, out Vector256<float> c1, out Vector256<float> c2, out Vector256<float> c3,
        out Vector256<float> c4, out Vector256<float> c5, out Vector256<float> c6, out Vector256<float> c7) =>
        RegisterTranspose.Transpose8x8(
            Avx.LoadVector256(x), Avx.LoadVector256(x + w), Avx.LoadVector256(x + 2 * w), Avx.LoadVector256(x + 3 * w),
            Avx.LoadVector256(x + 4 * w), Avx.LoadVector256(x + 5 * w), Avx.LoadVector256(x + 6 * w), Avx.LoadVector256(x + 7 * w),
            out c0, out c1, out c2, out c3, out c4, out c5, out c6, out c7);

    /// <summary>
    /// The last pass of one row, eight values per step: y_i = (float)((x_i − mean) · inverse ·
    /// gamma_i + beta_i) in float64 (the scalar expression's order, no FMA), signs packed as in
    /// <c>Normalize</c>. Returns the first index it did not process (w rounded down to 8).
    /// </summary>
    private static int Normalize512(float* x, int w, double mean, double inverse, float* gamma, float* beta, ulong* signs, ref ulong word)
    {
        Vector512<double> m = Vector512.Create(mean), s = Vector512.Create(inverse);
        int i = 0;
        for (; i <= w - 8; i += 8)
        {
            Vector512<double> xd = Avx512F.ConvertToVector512Double(Avx.LoadVector256(x + i));
            Vector512<double> gd = Avx512F.ConvertToVector512Double(Avx.LoadVector256(gamma + i));
            Vector512<double> bd = Avx512F.ConvertToVector512Double(Avx.LoadVector256(beta + i));
            Vector256<float> y = Avx512F.ConvertToVector256Single((xd - m) * s * gd + bd);
            y.Store(x + i);
            if (signs != null)
            {
                // A compare, not the sign bit: −0 packs as +1, as SignPacking does.
                word |= (ulong)Vector256.LessThan(y, Vector256<float>.Zero).ExtractMostSignificantBits() << (i & 63);
                if ((i & 63) == 56)
                {
                    signs[i >> 6] = word;
                    word = 0;
                }
            }
        }
        return i;
    }
}
