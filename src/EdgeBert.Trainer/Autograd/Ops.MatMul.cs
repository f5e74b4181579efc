using Sgemm = EdgeBert.Trainer.Autograd.MatMul;
using System.Numerics.Tensors;

namespace EdgeBert.Trainer.Autograd;

/// <summary>Differentiable operations. Each records its backward on the <see cref="Tape"/> when an input requires grad.</summary>
public static partial class Ops
{
    /// <summary>
    /// A linear layer y = x·Wᵀ + b over the last dimension: x [..., K], W [N, K] (out, in), b [N].
    /// </summary>
    /// <exception cref="ArgumentException">The shapes do not fit together.</exception>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias = null)
    {
        ShapeUtil.RequireRankAtLeast(x, 1, nameof(Linear), nameof(x));
        ShapeUtil.RequireRankAtLeast(weight, 2, nameof(Linear), nameof(weight));
        if (weight.Rank != 2 || weight.Dim(1) != x.Dim(-1))
        {
            throw new ArgumentException(
                $"Linear: weight must be [out, {x.Dim(-1)}] for input {ShapeUtil.Format(x.Shape)} but is {ShapeUtil.Format(weight.Shape)}.", nameof(weight));
        }

        int k = weight.Dim(1), n = weight.Dim(0), m = ShapeUtil.Product(x.Shape, 0, x.Rank - 1);
        if (bias is not null && (bias.Rank != 1 || bias.Dim(0) != n))
        {
            throw new ArgumentException($"Linear: bias must be [{n}] but is {ShapeUtil.Format(bias.Shape)}.", nameof(bias));
        }

        int threads = TrainerThreads.Count;
        var y = new float[m * n];
        Sgemm.Gemm(false, true, m, n, k, 1f, x.Data, k, weight.Data, k, 0f, y, n, threads);
        if (bias is not null)
        {
            float[] bd = bias.Data;
            ParallelRows.For(m, n, (start, end) =>
            {
                for (int r = start; r < end; r++) TensorPrimitives.Add(y.AsSpan(r * n, n), bd, y.AsSpan(r * n, n));
            });
        }

        int[] shape = x.ShapeArray();
        shape[^1] = n;
        bool record = Tape.ShouldRecord(x, weight, bias);
        var output = new Tensor(y, shape, record);
        if (record)
        {
            Tape.Record(output, nameof(Linear), bias is null ? [x, weight] : [x, weight, bias], g =>
            {
                int t = TrainerThreads.Count;
                if (x.RequiresGrad) Sgemm.Gemm(false, false, m, k, n, 1f, g, n, weight.Data, k, 1f, x.GradBuffer(), k, t);
                if (weight.RequiresGrad) Sgemm.Gemm(true, false, n, k, m, 1f, g, n, x.Data, k, 1f, weight.GradBuffer(), k, t);
                if (bias is not null && bias.RequiresGrad)
                {
                    float[] db = bias.GradBuffer();
                    for (int r = 0; r < m; r++) TensorPrimitives.Add(db, g.AsSpan(r * n, n), db);
                }
            });
        }

        return output;
    }

    /// <summary>
    /// (Batched) matrix product op(a)·op(b) over the last two dimensions; leading (batch)
    /// dimensions must be equal, e.g. attention scores [B, H, L, d]·[B, H, L, d]ᵀ with
    /// <paramref name="transposeB"/> = true give [B, H, L, L].
    /// </summary>
    /// <exception cref="ArgumentException">The ranks, batch dimensions or inner dimensions differ.</exception>
    public static Tensor MatMul(Tensor a, Tensor b, bool transposeA = false, bool transposeB = false)
    {
        ShapeUtil.RequireRankAtLeast(a, 2, nameof(MatMul), nameof(a));
        ShapeUtil.RequireRankAtLeast(b, 2, nameof(MatMul), nameof(b));
        if (a.Rank != b.Rank || !a.Shape[..^2].SequenceEqual(b.Shape[..^2]))
        {
            throw new ArgumentException(
                $"MatMul: batch dimensions of {ShapeUtil.Format(a.Shape)} and {ShapeUtil.Format(b.Shape)} differ.");
        }

        int m = transposeA ? a.Dim(-1) : a.Dim(-2), k = transposeA ? a.Dim(-2) : a.Dim(-1);
        int kb = transposeB ? b.Dim(-1) : b.Dim(-2), n = transposeB ? b.Dim(-2) : b.Dim(-1);
        if (k != kb)
        {
            throw new ArgumentException(
                $"MatMul: inner dimensions differ: {ShapeUtil.Format(a.Shape)}{(transposeA ? "ᵀ" : "")} · {ShapeUtil.Format(b.Shape)}{(transposeB ? "ᵀ" : "")}.");
        }

        int batch = ShapeUtil.Product(a.Shape, 0, a.Rank - 2);
        int lda = a.Dim(-1), ldb = b.Dim(-1);
        int aSize = a.Dim(-2) * lda, bSize = b.Dim(-2) * ldb, cSize = m * n;
        var y = new float[batch * cSize];
        float[] ad = a.Data, bd = b.Data;
        ForEachMatrix(batch, (long)m * n * k, (i, t) => Sgemm.Gemm(transposeA, transposeB, m, n, k, 1f,
            ad.AsSpan(i * aSize, aSize), lda, bd.AsSpan(i * bSize, bSize), ldb, 0f, y.AsSpan(i * cSize, cSize), n, t));

        int[] shape = a.ShapeArray();
        shape[^2] = m;
        shape[^1] = n;
        bool record = Tape.ShouldRecord(a, b);
        var output = new Tensor(y, shape, record);
        if (record)
        {
            Tape.Record(output, nameof(MatMul), [a, b], g =>
            {
                // With A' = op(A), B' = op(B): dA' = G·B'ᵀ and dB' = A'ᵀ·G, transposed back when stored transposed.
                float[]? da = a.RequiresGrad ? a.GradBuffer() : null;
                float[]? db = b.RequiresGrad ? b.GradBuffer() : null;
                ForEachMatrix(batch, 2L * m * n * k, (i, t) =>
                {
                    ReadOnlySpan<float> gi = g.AsSpan(i * cSize, cSize);
                    ReadOnlySpan<float> ai = ad.AsSpan(i * aSize, aSize), bi = bd.AsSpan(i * bSize, bSize);
                    if (da is not null)
                    {
                        Span<float> dai = da.AsSpan(i * aSize, aSize);
                        if (!transposeA) Sgemm.Gemm(false, !transposeB, m, k, n, 1f, gi, n, bi, ldb, 1f, dai, lda, t);
                        else Sgemm.Gemm(transposeB, true, k, m, n, 1f, bi, ldb, gi, n, 1f, dai, lda, t);
                    }

                    if (db is not null)
                    {
                        Span<float> dbi = db.AsSpan(i * bSize, bSize);
                        if (!transposeB) Sgemm.Gemm(!transposeA, false, k, n, m, 1f, ai, lda, gi, n, 1f, dbi, ldb, t);
                        else Sgemm.Gemm(true, transposeA, n, k, m, 1f, gi, n, ai, lda, 1f, dbi, ldb, t);
                    }
                });
            });
        }

        return output;
    }

    /// <summary>
    /// Runs one small product per batch matrix: a single matrix gets all threads inside the
    /// product, many matrices are spread over threads with single-threaded products.
    /// </summary>
    private static void ForEachMatrix(int batch, long workPerMatrix, Action<int, int> product)
    {
        if (batch == 1)
        {
            product(0, TrainerThreads.Count);
            return;
        }

        ParallelRows.For(batch, workPerMatrix, (start, end) =>
        {
            for (int i = start; i < end; i++) product(i, 1);
        });
    }
}
