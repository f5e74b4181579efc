using System.Numerics.Tensors;

namespace EdgeBert.Trainer.Autograd;

public static partial class Ops
{
    /// <summary>The label value whose rows <see cref="CrossEntropy"/> skips, as PyTorch's default ignore_index.</summary>
    public const int IgnoreIndex = -100;

    /// <summary>
    /// Mean cross-entropy of logits [..., C] against integer labels (one per row), skipping rows
    /// labelled <see cref="IgnoreIndex"/>. With every row skipped the loss is 0 (PyTorch: NaN).
    /// </summary>
    /// <exception cref="ArgumentException">The label count differs from the row count, or a label is outside [0, C).</exception>
    public static Tensor CrossEntropy(Tensor logits, int[] labels)
    {
        ShapeUtil.RequireRankAtLeast(logits, 1, nameof(CrossEntropy), nameof(logits));
        ArgumentNullException.ThrowIfNull(labels);
        int c = logits.Dim(-1), rows = ShapeUtil.Product(logits.Shape, 0, logits.Rank - 1);
        if (labels.Length != rows)
        {
            throw new ArgumentException($"CrossEntropy: {labels.Length} labels for {rows} rows of {ShapeUtil.Format(logits.Shape)}.", nameof(labels));
        }

        int counted = 0;
        for (int r = 0; r < rows; r++)
        {
            if (labels[r] == IgnoreIndex) continue;
            if ((uint)labels[r] >= (uint)c) throw new ArgumentException($"CrossEntropy: label {labels[r]} of row {r} is outside [0, {c}).", nameof(labels));
            counted++;
        }

        int[] labelsCopy = (int[])labels.Clone();
        float[] probs = SoftmaxRows(logits.Data, rows, c);
        double loss = 0;
        for (int r = 0; r < rows; r++)
        {
            if (labelsCopy[r] != IgnoreIndex) loss -= logits.Data[r * c + labelsCopy[r]] - LogSumExp(logits.Data.AsSpan(r * c, c));
        }

        float scale = counted == 0 ? 0f : 1f / counted;
        return LossResult(logits, null, (float)(loss * scale), nameof(CrossEntropy), g =>
        {
            float[] dz = logits.GradBuffer();
            float s = g * scale;
            for (int r = 0; r < rows; r++)
            {
                if (labelsCopy[r] == IgnoreIndex) continue;
                Span<float> dzr = dz.AsSpan(r * c, c);
                TensorPrimitives.MultiplyAdd(probs.AsSpan(r * c, c), s, dzr, dzr);
                dzr[labelsCopy[r]] -= s;
            }
        }, null);
    }

    /// <summary>
    /// Soft cross-entropy for distillation: mean over rows of −Σⱼ pⱼ·log softmax(z)ⱼ with
    /// teacher probabilities p (same shape as the logits; usually constant).
    /// </summary>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public static Tensor SoftCrossEntropy(Tensor logits, Tensor teacherProbabilities)
    {
        ShapeUtil.RequireRankAtLeast(logits, 1, nameof(SoftCrossEntropy), nameof(logits));
        ShapeUtil.RequireSameShape(logits, teacherProbabilities, nameof(SoftCrossEntropy));
        int c = logits.Dim(-1), rows = ShapeUtil.Product(logits.Shape, 0, logits.Rank - 1);
        float[] probs = SoftmaxRows(logits.Data, rows, c);
        float[] p = teacherProbabilities.Data;
        var logProbs = new float[logits.Length];
        double loss = 0;
        for (int r = 0; r < rows; r++)
        {
            double lse = LogSumExp(logits.Data.AsSpan(r * c, c));
            for (int j = 0; j < c; j++)
            {
                double lp = logits.Data[r * c + j] - lse;
                logProbs[r * c + j] = (float)lp;
                loss -= p[r * c + j] * lp;
            }
        }

        float scale = rows == 0 ? 0f : 1f / rows;
        return LossResult(logits, teacherProbabilities, (float)(loss * scale), nameof(SoftCrossEntropy), g =>
        {
            // d/dz = softmax(z)·Σp − p per row (Σp = 1 for a proper distribution).
            float[] dz = logits.GradBuffer();
            float s = g * scale;
            for (int r = 0; r < rows; r++)
            {
                float mass = TensorPrimitives.Sum(p.AsSpan(r * c, c));
                Span<float> dzr = dz.AsSpan(r * c, c);
                TensorPrimitives.MultiplyAdd(probs.AsSpan(r * c, c), s * mass, dzr, dzr);
                TensorPrimitives.MultiplyAdd(p.AsSpan(r * c, c), -s, dzr, dzr);
            }
        }, g =>
        {
            float[] dp = teacherProbabilities.GradBuffer();
            TensorPrimitives.MultiplyAdd(logProbs, -g * scale, dp, dp);
        });
    }

    /// <summary>Mean squared error mean((a − b)²); both sides may require grad.</summary>
    /// <exception cref="ArgumentException">The shapes differ or are empty.</exception>
    public static Tensor Mse(Tensor a, Tensor b)
    {
        ShapeUtil.RequireSameShape(a, b, nameof(Mse));
        if (a.Length == 0) throw new ArgumentException("Mse: the tensors are empty.", nameof(a));
        var diff = new float[a.Length];
        TensorPrimitives.Subtract(a.Data, b.Data, diff);
        double sq = 0;
        foreach (float d in diff) sq += (double)d * d;
        float scale = 2f / a.Length;
        return LossResult(a, b, (float)(sq / a.Length), nameof(Mse),
            g => { float[] da = a.GradBuffer(); TensorPrimitives.MultiplyAdd(diff, g * scale, da, da); },
            g => { float[] db = b.GradBuffer(); TensorPrimitives.MultiplyAdd(diff, -g * scale, db, db); });
    }

    /// <summary>The Frobenius norm √(Σ a²); its gradient at a = 0 is taken as 0.</summary>
    public static Tensor FrobeniusNorm(Tensor a)
    {
        ArgumentNullException.ThrowIfNull(a);
        double sq = 0;
        foreach (float v in a.Data) sq += (double)v * v;
        float norm = (float)Math.Sqrt(sq);
        return LossResult(a, null, norm, nameof(FrobeniusNorm), g =>
        {
            if (norm == 0f) return;
            float[] da = a.GradBuffer();
            TensorPrimitives.MultiplyAdd(a.Data, g / norm, da, da);
        }, null);
    }

    /// <summary>Row-wise softmax of a [rows, c] block.</summary>
    private static float[] SoftmaxRows(float[] z, int rows, int c)
    {
        var probs = new float[rows * c];
        ParallelRows.For(rows, 4L * c, (s, e) =>
        {
            for (int r = s; r < e; r++) TensorPrimitives.SoftMax(z.AsSpan(r * c, c), probs.AsSpan(r * c, c));
        });
        return probs;
    }

    /// <summary>log Σ exp(z), computed stably as max + log Σ exp(z − max) in double.</summary>
    private static double LogSumExp(ReadOnlySpan<float> z)
    {
        float max = TensorPrimitives.Max(z);
        double sum = 0;
        foreach (float v in z) sum += Math.Exp(v - max);
        return max + Math.Log(sum);
    }

    /// <summary>A scalar loss whose backward calls the given per-input closures with the scalar gradient.</summary>
    private static Tensor LossResult(Tensor first, Tensor? second, float value, string op, Action<float> backFirst, Action<float>? backSecond)
    {
        bool record = Tape.ShouldRecord(first, second);
        var output = new Tensor([value], [], record);
        if (record)
        {
            Tape.Record(output, op, second is null ? [first] : [first, second], g =>
            {
                if (first.RequiresGrad) backFirst(g[0]);
                if (second is not null && second.RequiresGrad && backSecond is not null) backSecond(g[0]);
            });
        }

        return output;
    }
}
