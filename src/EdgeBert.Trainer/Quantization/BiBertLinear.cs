using System.Numerics.Tensors;
using EdgeBert.Trainer.Autograd;
using MatMul = EdgeBert.Trainer.Autograd.MatMul;
using Tensor = EdgeBert.Trainer.Autograd.Tensor;

namespace EdgeBert.Trainer.Quantization;

/// <summary>
/// The W1A1 product of a BiBERT linear, y = α[n]·d + b[n] with the integer d = Σ_k sign(x_k)·sign(ŵ_nk),
/// evaluated as the runtime's popcount epilogue does (docs/inference.md: multiply, then add, in
/// float32). A float GEMM over ±1·±α sums rounds differently from fl(α·d), and a sign() after a
/// Q/K/V linear would then flip where α·d + b is within an ulp of 0; computing d exactly (±1·±1
/// products of at most 2²⁴ terms are exact in float) and then α·d + b removes that difference.
/// Backward: the plain linear one on the values the forward saw (x = ±1, ŵ = ±α).
/// </summary>
public static class BiBertLinear
{
    private static readonly CustomOp Op = new("bibert_w1a1_linear", Forward, Backward);

    /// <summary>
    /// Applies the product to <paramref name="input"/> [..., K] (±1, e.g. <see cref="SignActivation"/>'s
    /// output) and <paramref name="weight"/> [N, K] whose rows are
    /// ±α (e.g. <see cref="BinaryWeight.ApplyCentredRows"/>'s output), plus an optional bias [N].
    /// Use as <c>Linear.Product</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes do not fit, an input is not ±1, or a weight row is not ±α.</exception>
    public static Tensor Apply(Tensor input, Tensor weight, Tensor? bias)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        if (input.Rank < 1 || weight.Rank != 2 || weight.Dim(1) != input.Dim(-1))
            throw new ArgumentException($"{Op.Name}: weight must be [out, {(input.Rank < 1 ? 0 : input.Dim(-1))}] for input {input}, got {weight}.");
        if (bias is not null && (bias.Rank != 1 || bias.Dim(0) != weight.Dim(0)))
            throw new ArgumentException($"{Op.Name}: bias must be [{weight.Dim(0)}], got {bias}.");
        return bias is null ? Op.Apply(input, weight) : Op.Apply(input, weight, bias);
    }

    private static CustomResult Forward(IReadOnlyList<Tensor> inputs)
    {
        Tensor x = inputs[0], w = inputs[1];
        Tensor? b = inputs.Count > 2 ? inputs[2] : null;
        int k = w.Dim(1), n = w.Dim(0), m = k == 0 ? 0 : x.Length / k;
        for (int i = 0; i < x.Length; i++)
        {
            if (MathF.Abs(x.Data[i]) != 1f)
                throw new ArgumentException($"{Op.Name}: input element {i} of {x} is {x.Data[i]}; the input must be ±1 (apply SignActivation first).");
        }
        var ws = new float[w.Length];
        var alpha = new float[n];
        for (int r = 0; r < n; r++)
        {
            ReadOnlySpan<float> row = w.Data.AsSpan(r * k, k);
            alpha[r] = k == 0 ? 0f : MathF.Abs(row[0]);
            for (int c = 0; c < k; c++)
            {
                if (MathF.Abs(row[c]) != alpha[r])
                    throw new ArgumentException($"{Op.Name}: weight row {r} is not ±α (|w[{r},{c}]| = {MathF.Abs(row[c])}, |w[{r},0]| = {alpha[r]}); binarize it first.");
                ws[r * k + c] = row[c] < 0f ? -1f : 1f;
            }
        }
        // d is a sum of ±1 terms: every partial sum is an integer below 2²⁴, so the SGEMM is exact.
        var y = new float[m * n];
        MatMul.Gemm(false, true, m, n, k, 1f, x.Data, k, ws, k, 0f, y, n, TrainerThreads.Count);
        ParallelRows.For(m, n, (s, e) =>
        {
            for (int t = s; t < e; t++)
            {
                Span<float> yr = y.AsSpan(t * n, n);
                for (int j = 0; j < n; j++)
                {
                    float scaled = alpha[j] * yr[j];
                    yr[j] = b is null ? scaled : scaled + b.Data[j];
                }
            }
        });
        int[] shape = x.ShapeArray();
        shape[^1] = n;
        return new CustomResult(y, shape);
    }

    private static void Backward(CustomBackwardContext context)
    {
        Tensor x = context.Inputs[0], w = context.Inputs[1];
        int k = w.Dim(1), n = w.Dim(0), m = k == 0 ? 0 : x.Length / k;
        ReadOnlySpan<float> g = context.OutputGrad;
        int threads = TrainerThreads.Count;
        if (context.NeedsGrad(0)) MatMul.Gemm(false, false, m, k, n, 1f, g, n, w.Data, k, 1f, context.InputGrad(0), k, threads);
        if (context.NeedsGrad(1)) MatMul.Gemm(true, false, n, k, m, 1f, g, n, x.Data, k, 1f, context.InputGrad(1), k, threads);
        if (context.Inputs.Count > 2 && context.NeedsGrad(2))
        {
            Span<float> db = context.InputGrad(2);
            for (int r = 0; r < m; r++) TensorPrimitives.Add(db, g.Slice(r * n, n), db);
        }
    }
}
