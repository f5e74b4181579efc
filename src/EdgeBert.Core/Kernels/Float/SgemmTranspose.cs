using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EdgeBert.Kernels.Float;

/// <summary>
/// Block transpose for packing a transposed B (a linear layer's [N, K] weight) into K-major
/// slivers: 8 × 8 tiles through AVX registers and 4 × 4 through SSE where available, plain copies elsewhere. Scalar
/// element-by-element transposition was the bulk of <c>Sgemm.Gemm</c>'s time at M = 128.
/// </summary>
internal static unsafe class SgemmTranspose
{
    /// <summary>
    /// <c>dst[p·dstStride + j] = rows[j][p]</c> for j &lt; cols, p &lt; kc, where <c>rows[j]</c>
    /// is a source row pointer.
    /// </summary>
    public static void Pack(float** rows, int cols, int kc, float* dst, int dstStride)
    {
        int j0 = 0;
        if (Avx.IsSupported)
        {
            for (; j0 + 8 <= cols; j0 += 8)
            {
                int p = 0;
                for (; p + 8 <= kc; p += 8) Transpose8x8(rows + j0, p, dst + (long)p * dstStride + j0, dstStride);
                for (; p < kc; p++)
                {
                    for (int j = 0; j < 8; j++) dst[(long)p * dstStride + j0 + j] = rows[j0 + j][p];
                }
            }
        }
        if (Sse.IsSupported)
        {
            for (; j0 + 4 <= cols; j0 += 4)
            {
                int p = 0;
                for (; p + 4 <= kc; p += 4) Transpose4x4(rows + j0, p, dst + (long)p * dstStride + j0, dstStride);
                for (; p < kc; p++)
                {
                    for (int j = 0; j < 4; j++) dst[(long)p * dstStride + j0 + j] = rows[j0 + j][p];
                }
            }
        }
        for (int p = 0; p < kc; p++)
        {
            float* d = dst + (long)p * dstStride;
            for (int j = j0; j < cols; j++) d[j] = rows[j][p];
        }
    }

    /// <summary>The SSE 4 × 4 transpose (unpack, then move halves), for the 4 rows left after the 8-row blocks.</summary>
    private static void Transpose4x4(float** rows, int p, float* dst, int dstStride)
    {
        Vector128<float> r0 = Sse.LoadVector128(rows[0] + p), r1 = Sse.LoadVector128(rows[1] + p);
        Vector128<float> r2 = Sse.LoadVector128(rows[2] + p), r3 = Sse.LoadVector128(rows[3] + p);
        Vector128<float> t0 = Sse.UnpackLow(r0, r1), t1 = Sse.UnpackHigh(r0, r1);
        Vector128<float> t2 = Sse.UnpackLow(r2, r3), t3 = Sse.UnpackHigh(r2, r3);
        Sse.Store(dst + 0L * dstStride, Sse.MoveLowToHigh(t0, t2));
        Sse.Store(dst + 1L * dstStride, Sse.MoveHighToLow(t2, t0));
        Sse.Store(dst + 2L * dstStride, Sse.MoveLowToHigh(t1, t3));
        Sse.Store(dst + 3L * dstStride, Sse.MoveHighToLow(t3, t1));
    }

    /// <summary>One 8 × 8 block: rows p … p + 7 of the 8 source rows, stored as 8 rows of dst.</summary>
    private static void Transpose8x8(float** rows, int p, float* dst, int dstStride)
    {
        RegisterTranspose.Transpose8x8(
            Avx.LoadVector256(rows[0] + p), Avx.LoadVector256(rows[1] + p), Avx.LoadVector256(rows[2] + p), Avx.LoadVector256(rows[3] + p),
            Avx.LoadVector256(rows[4] + p), Avx.LoadVector256(rows[5] + p), Avx.LoadVector256(rows[6] + p), Avx.LoadVector256(rows[7] + p),
            out var c0, out var c1, out var c2, out var c3, out var c4, out var c5, out var c6, out var c7);
        Avx.Store(dst + 0L * dstStride, c0);
        Avx.Store(dst + 1L * dstStride, c1);
        Avx.Store(dst + 2L * dstStride, c2);
        Avx.Store(dst + 3L * dstStride, c3);
        Avx.Store(dst + 4L * dstStride, c4);
        Avx.Store(dst + 5L * dstStride, c5);
        Avx.Store(dst + 6L * dstStride, c6);
        Avx.Store(dst + 7L * dstStride, c7);
    }
}
