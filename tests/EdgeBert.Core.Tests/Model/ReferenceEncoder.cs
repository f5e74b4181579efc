using EdgeBert.Encoder;
using EdgeBert.Format;

namespace EdgeBert.Core.Tests.Model;

/// <summary>
/// The scalar reference forward: every weight is unpacked to plain values (floats, or integer
/// codes and their scales) and every step is a plain loop, straight from docs/inference.md. It
/// shares no code with the runtime besides reading the file. Slow by design; tests only.
/// </summary>
internal sealed class ReferenceEncoder
{
    private sealed record Linear(LinearScheme Scheme, int N, int K, float[] W, float[] Scale, float[] Bias)
    {
        /// <summary>A static A4 step (<c>act_scale</c>) and whether its input is a ReLU output ([0, 15] instead of [−8, 7]).</summary>
        public (float Step, bool Unsigned)? Static { get; init; }
    }

    private readonly EbmFile _file;
    private readonly BertArchitecture _arch;
    private readonly LinearScheme[] _schemes;

    public ReferenceEncoder(EbmFile file)
    {
        _file = file;
        _arch = file.Metadata.Architecture;
        _schemes = file.Metadata.Layers.Select(l => LinearSchemes.FromLayer(l)!.Value).ToArray();
    }

    /// <summary>Packed sign bits seen along the way, by trace name (bit 1 = negative), as the runtime reports them.</summary>
    public Dictionary<string, ulong[]> Bits { get; } = [];

    public float[] Hidden { get; private set; } = [];

    public float[] Pooled { get; private set; } = [];

    public float[] Logits { get; private set; } = [];

    public void Run(int[] ids)
    {
        int L = ids.Length, H = _arch.HiddenSize;
        var x = new float[L * H];
        float[] word = Values("embeddings.word");
        if (_file.TryGetTensor("embeddings.word.split", out _))
        {
            // BinaryBERT's split embedding: the two halves' rows added first, then position and type.
            float[] split = Values("embeddings.word.split");
            for (int j = 0; j < word.Length; j++) word[j] += split[j];
        }
        float[] pos = _file.GetF32("embeddings.position").ToArray(), type = _file.GetF32("embeddings.token_type").ToArray();
        for (int t = 0; t < L; t++)
        {
            for (int d = 0; d < H; d++) x[t * H + d] = word[ids[t] * H + d] + pos[t * H + d] + type[d];
        }
        LayerNorm(x, L, "embeddings.ln");
        for (int i = 0; i < _schemes.Length; i++) x = Layer(i, x, L);
        Hidden = x;

        var pooled = new float[H];
        switch (_arch.Pooling)
        {
            case PoolingKind.Cls: Array.Copy(x, pooled, H); break;
            case PoolingKind.Mean:
                for (int d = 0; d < H; d++)
                {
                    double s = 0;
                    for (int t = 0; t < L; t++) s += x[t * H + d];
                    pooled[d] = (float)(s / L);
                }
                break;
            default:
            {
                var info = _file.GetTensor("pooler.weight");
                var last = _schemes.Length == 0 ? LinearScheme.Fp32 : _schemes[^1];
                var scheme = info.DType switch
                {
                    EbmDType.F32 => LinearScheme.Fp32, EbmDType.I8 => LinearScheme.W8A8, EbmDType.Ternary => LinearScheme.W2A8,
                    _ => last is LinearScheme.W1A1 or LinearScheme.W1A4 ? last : LinearScheme.W1A8,
                };
                float[] y = ApplySplit("pooler", scheme, x.AsSpan(0, H).ToArray(), 1);
                for (int d = 0; d < H; d++) pooled[d] = (float)Math.Tanh(y[d]);
                break;
            }
        }
        Pooled = pooled;
        if (_file.Metadata.Labels.Count > 0) Logits = Apply(Load("classifier", LinearScheme.Fp32), pooled, 1);
    }

    private float[] Layer(int i, float[] x, int L)
    {
        int H = _arch.HiddenSize, heads = _arch.Heads, dh = _arch.HeadSize ?? H / heads, A = heads * dh;
        var scheme = _schemes[i];
        string p = $"layer.{i}";
        if (_arch.Attention == AttentionKind.BiAttention && scheme == LinearScheme.W1A1) Bits[$"{p}.attention.input.signs"] = Pack(x, L, H);
        float[] q = ApplySplit($"{p}.attention.query", scheme, x, L);
        float[] k = ApplySplit($"{p}.attention.key", scheme, x, L);
        float[] v = ApplySplit($"{p}.attention.value", scheme, x, L);
        var context = new float[L * A];
        if (_arch.Attention == AttentionKind.BiAttention)
        {
            Bits[$"{p}.attention.query.signs"] = Pack(q, L, H);
            Bits[$"{p}.attention.key.signs"] = Pack(k, L, H);
            Bits[$"{p}.attention.value.signs"] = Pack(v, L, H);
            for (int h = 0; h < heads; h++)
            {
                for (int a = 0; a < L; a++)
                {
                    for (int d = 0; d < dh; d++)
                    {
                        int c = 0;
                        for (int b = 0; b < L; b++)
                        {
                            int score = 0;
                            for (int e = 0; e < dh; e++) score += Sign(q[a * H + h * dh + e]) * Sign(k[b * H + h * dh + e]);
                            if (score > 0) c += Sign(v[b * H + h * dh + d]);
                        }
                        context[a * H + h * dh + d] = c;
                    }
                }
            }
        }
        else
        {
            double[] exact = SoftmaxAttention(q, k, v, L, heads, dh);
            for (int j = 0; j < exact.Length; j++) context[j] = (float)exact[j];
        }
        float[] attention = ApplySplit($"{p}.attention.output", scheme, context, L);
        for (int j = 0; j < x.Length; j++) attention[j] += x[j];
        LayerNorm(attention, L, $"{p}.attention.ln");
        float[] inner = ApplySplit($"{p}.ffn.in", scheme, attention, L);
        for (int j = 0; j < inner.Length; j++)
        {
            double z = inner[j];
            inner[j] = _arch.Activation == FfnActivation.Relu ? (float)Math.Max(z, 0) : (float)(0.5 * z * (1 + Erf(z / Math.Sqrt(2))));
        }
        float[] output = ApplySplit($"{p}.ffn.out", scheme, inner, L);
        for (int j = 0; j < output.Length; j++) output[j] += attention[j];
        LayerNorm(output, L, $"{p}.ffn.ln");
        return output;
    }

    /// <summary>
    /// A linear, or a split linear (a <c>weight_split</c> tensor): (x·W¹ᵀ + b) + x·W²ᵀ, each half
    /// with the scheme's quantization, the second without bias, added in float32 in that order.
    /// </summary>
    private float[] ApplySplit(string prefix, LinearScheme scheme, float[] x, int L)
    {
        float[] y = Apply(Load(prefix, scheme), x, L);
        if (!_file.TryGetTensor(prefix + ".weight_split", out _)) return y;
        Linear split = Load(prefix, scheme, ".weight_split");
        float[] y2 = Apply(split with { Bias = new float[split.N] }, x, L);
        for (int j = 0; j < y.Length; j++) y[j] += y2[j];
        return y;
    }

    /// <summary>y = x·Wᵀ + b with the scheme's activation quantization (docs/inference.md).</summary>
    private static float[] Apply(Linear lin, float[] x, int L)
    {
        int N = lin.N, K = lin.K;
        var y = new float[L * N];
        for (int m = 0; m < L; m++)
        {
            var row = x.AsSpan(m * K, K);
            if (lin.Scheme == LinearScheme.Fp32)
            {
                for (int n = 0; n < N; n++)
                {
                    double s = 0;
                    for (int kk = 0; kk < K; kk++) s += (double)row[kk] * lin.W[n * K + kk];
                    y[m * N + n] = (float)(s + lin.Bias[n]);
                }
                continue;
            }
            // Activation codes a and their scale/zero point: value = scale · (a − zero).
            var a = new int[K];
            float scale = 1f;
            int zero = 0;
            int bits = LinearSchemes.ActivationBits(lin.Scheme);
            if (bits == 1)
            {
                for (int kk = 0; kk < K; kk++) a[kk] = row[kk] < 0 ? -1 : 1;
            }
            else if (bits == 8)
            {
                float absMax = 0;
                foreach (float v in row) absMax = Math.Max(absMax, Math.Abs(v));
                scale = absMax / 127f;
                float step = 127f / absMax;
                if (absMax > 0)
                {
                    for (int kk = 0; kk < K; kk++) a[kk] = Math.Clamp((int)Math.Round(row[kk] * step, MidpointRounding.ToEven), -127, 127);
                }
            }
            else if (lin.Static is (float step, bool unsignedInput))
            {
                // Static LSQ (docs/inference.md): q = clamp(round(x / s), Qn, Qp), value = s·q.
                int qn = unsignedInput ? 0 : -8, qp = unsignedInput ? 15 : 7;
                scale = step;
                for (int kk = 0; kk < K; kk++) a[kk] = Math.Clamp((int)MathF.Round(row[kk] / step), qn, qp);
            }
            else
            {
                float min = 0, max = 0;
                foreach (float v in row) { min = Math.Min(min, v); max = Math.Max(max, v); }
                if (max != min)
                {
                    scale = (max - min) / 15;
                    zero = Math.Clamp((int)MathF.Round(-min / scale), 0, 15);
                    float inverse = 1f / scale;
                    for (int kk = 0; kk < K; kk++) a[kk] = Math.Clamp((int)MathF.Round(row[kk] * inverse) + zero, 0, 15);
                }
            }
            for (int n = 0; n < N; n++)
            {
                long dot = 0;
                for (int kk = 0; kk < K; kk++) dot += (long)(int)lin.W[n * K + kk] * (a[kk] - zero);
                // The float epilogue: (weight scale · activation scale) · dot, then the bias.
                y[m * N + n] = (float)dot * (lin.Scale[n] * scale) + lin.Bias[n];
            }
        }
        return y;
    }

    /// <summary>Unpacks a linear: integer-valued weights (codes, ±1 or {−1, 0, 1}) and per-row scales, or floats.</summary>
    private Linear Load(string prefix, LinearScheme scheme, string weight = ".weight")
    {
        var info = _file.GetTensor(prefix + weight);
        int n = info.Rows, k = info.Columns;
        float[] bias = _file.GetF32(prefix + ".bias").ToArray();
        var w = new float[n * k];
        var scale = new float[n];
        for (int r = 0; r < n; r++) scale[r] = info.Scales.Length == 0 ? 1f : info.Scales.Length == 1 ? info.Scales[0] : info.Scales[r];
        switch (info.DType)
        {
            case EbmDType.F32: w = _file.GetF32(info.Name).ToArray(); break;
            case EbmDType.I8:
            {
                var q = _file.GetI8(info.Name);
                int stride = EbmLayout.I8RowStride(k);
                for (int r = 0; r < n; r++) for (int c = 0; c < k; c++) w[r * k + c] = q[r * stride + c];
                break;
            }
            default: Unpack(info, w); break;
        }
        var linear = new Linear(scheme, n, k, w, scale, bias);
        if (!_file.TryGetTensor(prefix + ".act_scale", out _)) return linear;
        bool unsignedInput = prefix.EndsWith(".ffn.out", StringComparison.Ordinal) && _arch.Activation == FfnActivation.Relu;
        return linear with { Static = (_file.GetF32(prefix + ".act_scale")[0], unsignedInput) };
    }

    /// <summary>A tensor's real values: f32 as is; binary/ternary as α·{−1, 0, 1}.</summary>
    private float[] Values(string name)
    {
        var info = _file.GetTensor(name);
        if (info.DType == EbmDType.F32) return _file.GetF32(name).ToArray();
        var w = new float[info.Rows * info.Columns];
        Unpack(info, w);
        for (int r = 0; r < info.Rows; r++)
        {
            float alpha = info.Scales.Length == 1 ? info.Scales[0] : info.Scales[r];
            for (int c = 0; c < info.Columns; c++) w[r * info.Columns + c] *= alpha;
        }
        return w;
    }

    private void Unpack(EbmTensorInfo info, float[] w)
    {
        int n = info.Rows, k = info.Columns, stride = (k + 63) / 64;
        ReadOnlySpan<ulong> sign = info.DType == EbmDType.Binary ? _file.GetBinary(info.Name) : _file.GetTernary(info.Name).Sign;
        ReadOnlySpan<ulong> nonzero = info.DType == EbmDType.Ternary ? _file.GetTernary(info.Name).Nonzero : default;
        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < k; c++)
            {
                bool negative = (sign[r * stride + c / 64] >> (c % 64) & 1) == 1;
                bool zero = !nonzero.IsEmpty && (nonzero[r * stride + c / 64] >> (c % 64) & 1) == 0;
                w[r * k + c] = zero ? 0 : negative ? -1 : 1;
            }
        }
    }

    private void LayerNorm(float[] x, int L, string prefix)
    {
        int H = _arch.HiddenSize;
        var gamma = _file.GetF32(prefix + ".gamma");
        var beta = _file.GetF32(prefix + ".beta");
        for (int t = 0; t < L; t++)
        {
            double mean = 0, variance = 0;
            for (int d = 0; d < H; d++) mean += x[t * H + d];
            mean /= H;
            for (int d = 0; d < H; d++) variance += (x[t * H + d] - mean) * (x[t * H + d] - mean);
            variance /= H;
            for (int d = 0; d < H; d++) x[t * H + d] = (float)((x[t * H + d] - mean) * (1.0 / Math.Sqrt(variance + _arch.LayerNormEps)) * gamma[d] + beta[d]);
        }
    }

    private static int Sign(float v) => v < 0 ? -1 : 1;

    /// <summary>Sign bits, written out bit by bit in the canonical layout.</summary>
    internal static ulong[] Pack(float[] x, int rows, int cols)
    {
        int stride = (cols + 63) / 64;
        var words = new ulong[rows * stride];
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) if (x[r * cols + c] < 0) words[r * stride + c / 64] |= 1UL << (c % 64);
        return words;
    }

    /// <summary>erf by its Maclaurin series (exact to double rounding for |x| &lt; 5; ±1 beyond, where 1 − erf &lt; 2e-12).</summary>
    internal static double Erf(double x)
    {
        if (Math.Abs(x) >= 5) return Math.Sign(x);
        double term = x, sum = x;
        for (int n = 1; n < 200; n++)
        {
            term *= -x * x / n;
            double add = term / (2 * n + 1);
            sum += add;
            if (Math.Abs(add) < 1e-17 * Math.Abs(sum)) break;
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }

    /// <summary>
    /// Scaled dot-product attention in float64: per head, softmax(Q_h·K_hᵀ/√d)·V_h over
    /// [tokens, heads × headSize] rows.
    /// </summary>
    internal static double[] SoftmaxAttention(float[] q, float[] k, float[] v, int tokens, int heads, int headSize)
    {
        int width = heads * headSize, dh = headSize;
        var context = new double[tokens * width];
        var s = new double[tokens];
        for (int h = 0; h < heads; h++)
        {
            for (int a = 0; a < tokens; a++)
            {
                double max = double.NegativeInfinity, sum = 0;
                for (int b = 0; b < tokens; b++)
                {
                    double dot = 0;
                    for (int e = 0; e < dh; e++) dot += (double)q[a * width + h * dh + e] * k[b * width + h * dh + e];
                    s[b] = dot / Math.Sqrt(dh);
                    max = Math.Max(max, s[b]);
                }
                for (int b = 0; b < tokens; b++) sum += s[b] = Math.Exp(s[b] - max);
                for (int d = 0; d < dh; d++)
                {
                    double c = 0;
                    for (int b = 0; b < tokens; b++) c += s[b] / sum * v[b * width + h * dh + d];
                    context[a * width + h * dh + d] = c;
                }
            }
        }
        return context;
    }
}
