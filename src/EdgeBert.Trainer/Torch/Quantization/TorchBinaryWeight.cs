using System.Numerics.Tensors;
using EdgeBert.Encoder.Quantization;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;

namespace EdgeBert.Trainer.Torch.Quantization;

/// <summary>
/// Binary weights over TorchSharp tensors (METHODS.md §2.2, §3.1), sign(0) = +1 as the runtime. The
/// forward runs the Core quantizers the exporters call on a host copy, so α and the sign bits are the
/// packed ones bit for bit: <see cref="BwnQuantizer"/> (BinaryBERT's BWN, and the progressive W1
/// linears) with the identity STE, and <see cref="BinaryQuantizer"/> (BiBERT's centred rows) with the
/// hard-tanh STE 1[|w − mean_row w| &lt; 1].
/// </summary>
public static class TorchBinaryWeight
{
    /// <summary>BWN per matrix: ŵ = mean|w|·sign(w); identity STE.</summary>
    /// <exception cref="ArgumentException">The weight is not float32 or not finite.</exception>
    public static Tensor Bwn(Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        float[] w = TorchSte.HostValues(weight, "bwn_matrix");
        var negative = new bool[w.Length];
        float alpha = BwnQuantizer.Binarize(w, negative);
        return Signed(weight, negative, _ => alpha, null);
    }

    /// <summary>BWN per row (a word embedding): ŵ = mean_row|w|·sign(w); identity STE.</summary>
    /// <exception cref="ArgumentException">The weight is not a float32 matrix or not finite.</exception>
    public static Tensor BwnRows(Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        TorchSte.ThrowIfNotMatrix(weight, "bwn_rows");
        float[] w = TorchSte.HostValues(weight, "bwn_rows");
        int rows = (int)weight.shape[0], columns = (int)weight.shape[1];
        var negative = new bool[w.Length];
        var alpha = new float[rows];
        BwnQuantizer.BinarizeRows(w, rows, columns, negative, alpha);
        return Signed(weight, negative, i => alpha[i / columns], null);
    }

    /// <summary>
    /// BiBERT's centred rows: ŵ = α_row·sign(w − mean_row w), α_row = mean_row|w|; the gradient passes
    /// where |w − mean_row w| &lt; 1 (the same float mean the Core quantizer centres with).
    /// </summary>
    /// <exception cref="ArgumentException">The weight is not a float32 matrix or not finite.</exception>
    public static Tensor CentredRows(Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        TorchSte.ThrowIfNotMatrix(weight, "bibert_binary_rows");
        float[] w = TorchSte.HostValues(weight, "bibert_binary_rows");
        int rows = (int)weight.shape[0], columns = (int)weight.shape[1];
        var negative = new bool[w.Length];
        var alpha = new float[rows];
        BinaryQuantizer.BinarizeRows(w, rows, columns, negative, alpha);
        var pass = new float[w.Length];
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = w.AsSpan(r * columns, columns);
            float mean = TensorPrimitives.Sum(row) / columns;
            for (int c = 0; c < columns; c++) pass[r * columns + c] = MathF.Abs(row[c] - mean) < 1f ? 1f : 0f;
        }
        return Signed(weight, negative, i => alpha[i / columns], pass);
    }

    private static Tensor Signed(Tensor weight, bool[] negative, Func<int, float> alpha, float[]? pass)
    {
        var values = new float[negative.Length];
        for (int i = 0; i < values.Length; i++) values[i] = negative[i] ? -alpha(i) : alpha(i);
        using var scope = NewDisposeScope();
        Tensor q = TorchSte.FromHost(values, weight);
        Tensor? mask = pass is null ? null : TorchSte.FromHost(pass, weight);
        return TorchSte.Masked(weight, q, mask).MoveToOuterDisposeScope();
    }
}
