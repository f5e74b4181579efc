using EdgeBert.Encoder.Quantization;
using EdgeBert.Trainer.Autograd;

namespace EdgeBert.Trainer.Quantization;

/// <summary>
/// BinaryBERT's BWN weight quantizer (METHODS.md §2.2) on the Core <see cref="BwnQuantizer"/>, so
/// the trained and the exported α and signs are the same: ŵ = α·sign(w), α = mean|w| per matrix
/// (linears) or per row (the word embedding). Backward: the plain identity STE, no clipping.
/// </summary>
public static class BinaryBertWeights
{
    private static readonly CustomOp MatrixOp = new("bwn_matrix", ForwardMatrix, QuantizerChecks.IdentityBackward);
    private static readonly CustomOp RowsOp = new("bwn_rows", ForwardRows, QuantizerChecks.IdentityBackward);

    /// <summary>Per-matrix BWN.</summary>
    /// <exception cref="ArgumentException">A weight is NaN or infinite.</exception>
    public static Tensor Bwn(Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        return MatrixOp.Apply(weight);
    }

    /// <summary>Per-row BWN (a word embedding).</summary>
    /// <exception cref="ArgumentException">The weight is not a matrix or is not finite.</exception>
    public static Tensor BwnRows(Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        QuantizerChecks.ThrowIfNotMatrix(weight, RowsOp.Name);
        return RowsOp.Apply(weight);
    }

    private static CustomResult ForwardMatrix(IReadOnlyList<Tensor> inputs)
    {
        Tensor w = inputs[0];
        QuantizerChecks.ThrowIfNotFinite(w, MatrixOp.Name);
        var negative = new bool[w.Length];
        float alpha = BwnQuantizer.Binarize(w.Data, negative);
        var values = new float[w.Length];
        for (int i = 0; i < values.Length; i++) values[i] = negative[i] ? -alpha : alpha;
        return new CustomResult(values, w.ShapeArray());
    }

    private static CustomResult ForwardRows(IReadOnlyList<Tensor> inputs)
    {
        Tensor w = inputs[0];
        QuantizerChecks.ThrowIfNotFinite(w, RowsOp.Name);
        int rows = w.Dim(0), columns = w.Dim(1);
        var negative = new bool[w.Length];
        var alpha = new float[rows];
        BwnQuantizer.BinarizeRows(w.Data, rows, columns, negative, alpha);
        var values = new float[w.Length];
        for (int i = 0; i < values.Length; i++) values[i] = negative[i] ? -alpha[i / columns] : alpha[i / columns];
        return new CustomResult(values, w.ShapeArray());
    }
}
