using EdgeBert.Encoder.Quantization;
using EdgeBert.Trainer.Autograd;

namespace EdgeBert.Trainer.Quantization;

/// <summary>
/// TWN ternarization as an autograd op (METHODS.md §1.1, §6.1): ŵ = α·sign(w)·1[|w| &gt; 0.7·mean|w|].
/// The forward is the Core <see cref="TernaryQuantizer"/> the exporter uses, so the trainer's
/// quantized forward is exactly what the runtime loads; the backward is the identity STE.
/// </summary>
public static class TernaryWeight
{
    private static readonly CustomOp LayerOp = new("twn_ternary", ForwardLayer, QuantizerChecks.IdentityBackward);
    private static readonly CustomOp RowOp = new("twn_ternary_rows", ForwardRows, QuantizerChecks.IdentityBackward);

    /// <summary>Layer-wise TWN (one α for the whole tensor), for Linear weights.</summary>
    /// <exception cref="ArgumentException">A weight is NaN or infinite.</exception>
    public static Tensor Apply(Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        return LayerOp.Apply(weight);
    }

    /// <summary>Row-wise TWN (one α per row), for the word embedding [vocab, hidden].</summary>
    /// <exception cref="ArgumentException">The weight is not a matrix or holds NaN or infinity.</exception>
    public static Tensor ApplyRows(Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        QuantizerChecks.ThrowIfNotMatrix(weight, RowOp.Name);
        return RowOp.Apply(weight);
    }

    private static CustomResult ForwardLayer(IReadOnlyList<Tensor> inputs)
    {
        Tensor w = inputs[0];
        var codes = new sbyte[w.Length];
        float alpha = TernaryQuantizer.Ternarize(w.Data, codes);
        var values = new float[w.Length];
        for (int i = 0; i < values.Length; i++) values[i] = alpha * codes[i];
        return new CustomResult(values, w.ShapeArray());
    }

    private static CustomResult ForwardRows(IReadOnlyList<Tensor> inputs)
    {
        Tensor w = inputs[0];
        int rows = w.Dim(0), columns = w.Dim(1);
        var codes = new sbyte[w.Length];
        var alpha = new float[rows];
        TernaryQuantizer.TernarizeRows(w.Data, rows, columns, codes, alpha);
        var values = new float[w.Length];
        for (int i = 0; i < values.Length; i++) values[i] = alpha[i / columns] * codes[i];
        return new CustomResult(values, w.ShapeArray());
    }
}
