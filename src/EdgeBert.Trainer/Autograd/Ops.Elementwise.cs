using System.Numerics.Tensors;

namespace EdgeBert.Trainer.Autograd;

public static partial class Ops
{
    /// <summary>
    /// a + b. <paramref name="b"/> has a's shape or a suffix of it (e.g. a bias row [H] added to
    /// [B, L, H], or position embeddings [L, H] to [B, L, H]) and is then repeated.
    /// </summary>
    /// <exception cref="ArgumentException">b's shape is not a suffix of a's.</exception>
    public static Tensor Add(Tensor a, Tensor b) => AddScaled(a, b, 1f, nameof(Add));

    /// <summary>a − b, with the broadcasting of <see cref="Add"/>.</summary>
    /// <exception cref="ArgumentException">b's shape is not a suffix of a's.</exception>
    public static Tensor Sub(Tensor a, Tensor b) => AddScaled(a, b, -1f, nameof(Sub));

    /// <summary>Elementwise a ⊙ b, with the broadcasting of <see cref="Add"/>.</summary>
    /// <exception cref="ArgumentException">b's shape is not a suffix of a's.</exception>
    public static Tensor Mul(Tensor a, Tensor b)
    {
        int inner = SuffixBroadcast(a, b, nameof(Mul)), outer = inner == 0 ? 0 : a.Length / inner;
        float[] ad = a.Data, bd = b.Data;
        var y = new float[a.Length];
        ParallelRows.For(outer, inner, (s, e) =>
        {
            for (int r = s; r < e; r++) TensorPrimitives.Multiply(ad.AsSpan(r * inner, inner), bd, y.AsSpan(r * inner, inner));
        });

        bool record = Tape.ShouldRecord(a, b);
        var output = new Tensor(y, a.ShapeArray(), record);
        if (record)
        {
            Tape.Record(output, nameof(Mul), [a, b], g =>
            {
                if (a.RequiresGrad)
                {
                    float[] da = a.GradBuffer();
                    ParallelRows.For(outer, inner, (s, e) =>
                    {
                        for (int r = s; r < e; r++)
                        {
                            Span<float> dar = da.AsSpan(r * inner, inner);
                            TensorPrimitives.MultiplyAdd(g.AsSpan(r * inner, inner), bd, dar, dar);
                        }
                    });
                }

                if (b.RequiresGrad)
                {
                    float[] db = b.GradBuffer();
                    for (int r = 0; r < outer; r++) TensorPrimitives.MultiplyAdd(g.AsSpan(r * inner, inner), ad.AsSpan(r * inner, inner), db, db);
                }
            });
        }

        return output;
    }

    /// <summary>s·a for a constant s.</summary>
    public static Tensor Scale(Tensor a, float s)
    {
        ArgumentNullException.ThrowIfNull(a);
        var y = new float[a.Length];
        TensorPrimitives.Multiply(a.Data, s, y);
        bool record = Tape.ShouldRecord(a);
        var output = new Tensor(y, a.ShapeArray(), record);
        if (record)
        {
            Tape.Record(output, nameof(Scale), [a], g =>
            {
                float[] da = a.GradBuffer();
                TensorPrimitives.MultiplyAdd(g, s, da, da);
            });
        }

        return output;
    }

    private static Tensor AddScaled(Tensor a, Tensor b, float sign, string op)
    {
        int inner = SuffixBroadcast(a, b, op), outer = inner == 0 ? 0 : a.Length / inner;
        float[] ad = a.Data, bd = b.Data;
        var y = new float[a.Length];
        ParallelRows.For(outer, inner, (s, e) =>
        {
            for (int r = s; r < e; r++)
            {
                if (sign > 0) TensorPrimitives.Add(ad.AsSpan(r * inner, inner), bd, y.AsSpan(r * inner, inner));
                else TensorPrimitives.Subtract(ad.AsSpan(r * inner, inner), bd, y.AsSpan(r * inner, inner));
            }
        });

        bool record = Tape.ShouldRecord(a, b);
        var output = new Tensor(y, a.ShapeArray(), record);
        if (record)
        {
            Tape.Record(output, op, [a, b], g =>
            {
                if (a.RequiresGrad) a.AccumulateGrad(g);
                if (b.RequiresGrad)
                {
                    float[] db = b.GradBuffer();
                    for (int r = 0; r < outer; r++) TensorPrimitives.MultiplyAdd(g.AsSpan(r * inner, inner), sign, db, db);
                }
            });
        }

        return output;
    }

    /// <summary>Checks that b's shape is a suffix of a's; returns b's length (the repeated block).</summary>
    private static int SuffixBroadcast(Tensor a, Tensor b, string op)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (b.Rank > a.Rank || !a.Shape[(a.Rank - b.Rank)..].SequenceEqual(b.Shape))
        {
            throw new ArgumentException(
                $"{op}: shape {ShapeUtil.Format(b.Shape)} does not broadcast to {ShapeUtil.Format(a.Shape)} (it must equal a's trailing dimensions).");
        }

        return b.Length;
    }
}
