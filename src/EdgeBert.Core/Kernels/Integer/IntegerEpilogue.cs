using System.Runtime.Intrinsics;

namespace EdgeBert.Kernels.Integer;

/// <summary>
/// Turns a 4-token × 16-output tile of raw accumulators into exact dot products (removing the
/// kernel's offsets) and then into floats. One shared implementation keeps the float output
/// bit-identical across instruction sets: <c>(float)acc * (wScale · xScale) + bias</c>, with the
/// multiply and add kept separate (no FMA contraction) in both the vector and scalar paths.
/// </summary>
internal static unsafe class IntegerEpilogue
{
    public static void Apply(int* tile, int tokens, int cols, int* columnSums, int columnOffset,
        int* tokenSums, int tokenOffset, int* zeroPoints, float* wScales, float* xScales, float* bias, float* y, int* acc, int ld)
    {
        const int W = PackedIntegerWeights.PanelWidth;
        for (int t = 0; t < tokens; t++)
        {
            int* raw = tile + t * W;
            int tokenCorrection = tokenOffset * tokenSums[t];
            if (Vector512.IsHardwareAccelerated)
            {
                // W = 16 int32 lanes: the whole row in one vector (int32 arithmetic wraps alike in every path).
                (Vector512.Load(raw) - (Vector512.Load(columnSums) * columnOffset + Vector512.Create(tokenCorrection))).Store(raw);
            }
            else if (Vector128.IsHardwareAccelerated)
            {
                for (int j = 0; j < W; j += Vector128<int>.Count)
                    (Vector128.Load(raw + j) - (Vector128.Load(columnSums + j) * columnOffset + Vector128.Create(tokenCorrection))).Store(raw + j);
            }
            else
            {
                for (int j = 0; j < W; j++) raw[j] -= columnOffset * columnSums[j] + tokenCorrection;
            }
            if (acc != null)
            {
                for (int j = 0; j < cols; j++) acc[(long)t * ld + j] = raw[j];
                continue;
            }
            float xs = xScales[t];
            float* dst = y + (long)t * ld;
            if (zeroPoints != null && zeroPoints[t] != 0)
            {
                // Σ w·(q − zp) can leave int32 where Σ w·q does not: subtract in int64.
                long zp = zeroPoints[t];
                for (int j = 0; j < cols; j++)
                {
                    float v = (float)(raw[j] - zp * columnSums[j]) * (wScales[j] * xs);
                    dst[j] = bias != null ? v + bias[j] : v;
                }
                continue;
            }
            if (Vector512.IsHardwareAccelerated && cols == W)
            {
                Vector512<float> v = Vector512.ConvertToSingle(Vector512.Load(raw)) * (Vector512.Load(wScales) * xs);
                if (bias != null) v += Vector512.Load(bias);
                v.Store(dst);
                continue;
            }
            if (Vector128.IsHardwareAccelerated && cols == W)
            {
                for (int j = 0; j < W; j += Vector128<float>.Count)
                {
                    Vector128<float> v = Vector128.ConvertToSingle(Vector128.Load(raw + j)) * (Vector128.Load(wScales + j) * xs);
                    if (bias != null) v += Vector128.Load(bias + j);
                    v.Store(dst + j);
                }
                continue;
            }
            for (int j = 0; j < cols; j++)
            {
                float v = (float)raw[j] * (wScales[j] * xs);
                dst[j] = bias != null ? v + bias[j] : v;
            }
        }
    }
}
