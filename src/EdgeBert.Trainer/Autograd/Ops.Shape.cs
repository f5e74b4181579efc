namespace EdgeBert.Trainer.Autograd;

public static partial class Ops
{
    /// <summary>
    /// The same values with a new shape (no copy). One dimension may be −1 and is then inferred.
    /// </summary>
    /// <exception cref="ArgumentException">The new shape holds a different number of values.</exception>
    public static Tensor Reshape(Tensor a, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(shape);
        int[] resolved = (int[])shape.Clone();
        int inferred = Array.IndexOf(resolved, -1);
        if (inferred >= 0 && Array.LastIndexOf(resolved, -1) != inferred)
        {
            throw new ArgumentException($"Reshape: only one dimension of {ShapeUtil.Format(shape)} may be -1.", nameof(shape));
        }

        if (inferred >= 0)
        {
            resolved[inferred] = 1;
            int known = ShapeUtil.Count(resolved, nameof(shape));
            resolved[inferred] = known == 0 ? 0 : a.Length / known;
        }

        if (ShapeUtil.Count(resolved, nameof(shape)) != a.Length)
        {
            throw new ArgumentException(
                $"Reshape: {ShapeUtil.Format(a.Shape)} ({a.Length} values) cannot become {ShapeUtil.Format(shape)}.", nameof(shape));
        }

        bool record = Tape.ShouldRecord(a);
        var output = new Tensor(a.Data, resolved, record);
        if (record) Tape.Record(output, nameof(Reshape), [a], g => a.AccumulateGrad(g));
        return output;
    }

    /// <summary>Reorders dimensions: output dimension i is input dimension <paramref name="permutation"/>[i].</summary>
    /// <exception cref="ArgumentException">The permutation is not a permutation of the tensor's axes.</exception>
    public static Tensor Permute(Tensor a, params int[] permutation)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(permutation);
        int rank = a.Rank;
        if (permutation.Length != rank || !permutation.Order().SequenceEqual(Enumerable.Range(0, rank)))
        {
            throw new ArgumentException(
                $"Permute: {ShapeUtil.Format(permutation)} is not a permutation of the {rank} axes of {ShapeUtil.Format(a.Shape)}.", nameof(permutation));
        }

        int[] inShape = a.ShapeArray();
        int[] outShape = permutation.Select(p => inShape[p]).ToArray();
        var y = new float[a.Length];
        PermuteCopy(a.Data, inShape, permutation, y, accumulate: false);

        bool record = Tape.ShouldRecord(a);
        var output = new Tensor(y, outShape, record);
        if (record)
        {
            var inverse = new int[rank];
            for (int i = 0; i < rank; i++) inverse[permutation[i]] = i;
            Tape.Record(output, nameof(Permute), [a], g => PermuteCopy(g, outShape, inverse, a.GradBuffer(), accumulate: true));
        }

        return output;
    }

    /// <summary>Swaps two dimensions.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An axis is outside the tensor's rank.</exception>
    public static Tensor Transpose(Tensor a, int axis0, int axis1)
    {
        ArgumentNullException.ThrowIfNull(a);
        int[] perm = Enumerable.Range(0, a.Rank).ToArray();
        int d0 = ShapeUtil.Axis(axis0, a.Rank), d1 = ShapeUtil.Axis(axis1, a.Rank);
        (perm[d0], perm[d1]) = (perm[d1], perm[d0]);
        return Permute(a, perm);
    }

    /// <summary>Splits the hidden dimension into heads: [B, L, heads·d] → [B, heads, L, d].</summary>
    /// <exception cref="ArgumentException">x is not rank 3 or its last dimension is not divisible by <paramref name="heads"/>.</exception>
    public static Tensor SplitHeads(Tensor x, int heads)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank != 3 || heads < 1 || x.Dim(2) % heads != 0)
        {
            throw new ArgumentException($"SplitHeads: need [B, L, H] with H divisible by {heads}, got {ShapeUtil.Format(x.Shape)}.", nameof(x));
        }

        return Permute(Reshape(x, x.Dim(0), x.Dim(1), heads, x.Dim(2) / heads), 0, 2, 1, 3);
    }

    /// <summary>Merges heads back: [B, heads, L, d] → [B, L, heads·d].</summary>
    /// <exception cref="ArgumentException">x is not rank 4.</exception>
    public static Tensor MergeHeads(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank != 4) throw new ArgumentException($"MergeHeads: need [B, heads, L, d], got {ShapeUtil.Format(x.Shape)}.", nameof(x));
        return Reshape(Permute(x, 0, 2, 1, 3), x.Dim(0), x.Dim(2), x.Dim(1) * x.Dim(3));
    }

    /// <summary>Writes (or adds) src, of shape <paramref name="srcShape"/>, permuted into dst.</summary>
    private static void PermuteCopy(float[] src, int[] srcShape, int[] permutation, float[] dst, bool accumulate)
    {
        int rank = srcShape.Length;
        if (dst.Length == 0) return;
        if (rank == 0)
        {
            dst[0] = accumulate ? dst[0] + src[0] : src[0];
            return;
        }

        var srcStrides = new int[rank];
        for (int i = rank - 1, s = 1; i >= 0; s *= srcShape[i], i--) srcStrides[i] = s;
        int[] outShape = permutation.Select(p => srcShape[p]).ToArray();
        int[] strideOfOut = permutation.Select(p => srcStrides[p]).ToArray();
        int inner = outShape[rank - 1], innerStride = strideOfOut[rank - 1];
        int rows = dst.Length / inner;
        ParallelRows.For(rows, inner, (start, end) =>
        {
            var index = new int[rank];
            for (int row = start; row < end; row++)
            {
                // Decompose the output row into its leading indices to find the source offset.
                int rest = row, offset = 0;
                for (int d = rank - 2; d >= 0; d--)
                {
                    index[d] = rest % outShape[d];
                    rest /= outShape[d];
                    offset += index[d] * strideOfOut[d];
                }

                int o = row * inner;
                if (accumulate) for (int j = 0; j < inner; j++) dst[o + j] += src[offset + j * innerStride];
                else for (int j = 0; j < inner; j++) dst[o + j] = src[offset + j * innerStride];
            }
        });
    }
}
