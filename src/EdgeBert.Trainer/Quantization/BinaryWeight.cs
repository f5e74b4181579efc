using System.Numerics.Tensors;
using EdgeBert.Encoder.Quantization;
using EdgeBert.Trainer.Autograd;
using Tensor = EdgeBert.Trainer.Autograd.Tensor;

namespace EdgeBert.Trainer.Quantization;

/// <summary>
/// Binary weights (METHODS.md §2.2, §3.1, §6.3). sign(0) is +1 in both, the runtime's bit convention.
/// </summary>
public static class BinaryWeight
{
    private static readonly CustomOp MatrixOp = new("bwn_binary", ForwardMatrix, QuantizerChecks.IdentityBackward);
    private static readonly CustomOp CentredOp = new("bibert_binary_rows", ForwardCentredRows, QuantizerChecks.MaskedBackward);

    /// <summary>
    /// BinaryBERT's BWN per matrix: ŵ = mean|w|·sign(w); identity STE. (The runtime stores per-tensor
    /// α for binary tensors too, but its exporter binarizes BiBERT-style; use this only for training.)
    /// </summary>
    /// <exception cref="ArgumentException">A weight is NaN or infinite.</exception>
    public static Tensor Apply(Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        return MatrixOp.Apply(weight);
    }

    /// <summary>
    /// BiBERT's row-centred sign: per row ŵ = α_row·sign(w − mean_row w), α_row = mean_row|w|
    /// (the Core <see cref="BinaryQuantizer"/>, as exported). Backward: hard-tanh STE on the
    /// centred weights, the gradient passes where |w − mean_row w| &lt; 1.
    /// </summary>
    /// <exception cref="ArgumentException">The weight is not a matrix or holds NaN or infinity.</exception>
    public static Tensor ApplyCentredRows(Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        QuantizerChecks.ThrowIfNotMatrix(weight, CentredOp.Name);
        return CentredOp.Apply(weight);
    }

    private static CustomResult ForwardMatrix(IReadOnlyList<Tensor> inputs)
    {
        Tensor w = inputs[0];
        QuantizerChecks.ThrowIfNotFinite(w, MatrixOp.Name);
        float alpha = w.Length == 0 ? 0f : TensorPrimitives.SumOfMagnitudes<float>(w.Data) / w.Length;
        var values = new float[w.Length];
        for (int i = 0; i < values.Length; i++) values[i] = w.Data[i] < 0f ? -alpha : alpha;
        return new CustomResult(values, w.ShapeArray());
    }

    private static CustomResult ForwardCentredRows(IReadOnlyList<Tensor> inputs)
    {
        Tensor w = inputs[0];
        int rows = w.Dim(0), columns = w.Dim(1);
        var negative = new bool[w.Length];
        var alpha = new float[rows];
        BinaryQuantizer.BinarizeRows(w.Data, rows, columns, negative, alpha);
        var values = new float[w.Length];
        var pass = new bool[w.Length];
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = w.Data.AsSpan(r * columns, columns);
            // The same mean the Core quantizer centres with, so the STE window matches the forward's sign.
            float mean = TensorPrimitives.Sum(row) / columns;
            for (int c = 0; c < columns; c++)
            {
                int i = r * columns + c;
                values[i] = negative[i] ? -alpha[r] : alpha[r];
                pass[i] = MathF.Abs(row[c] - mean) < 1f;
            }
        }
        return new CustomResult(values, w.ShapeArray(), pass);
    }
}
