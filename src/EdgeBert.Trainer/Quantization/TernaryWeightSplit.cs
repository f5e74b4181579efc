using EdgeBert.Encoder.Quantization;
using EdgeBert.Trainer.Torch;
using EdgeBert.Trainer.Torch.Quantization;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Quantization;

/// <summary>The two split coefficients of one weight group (METHODS.md §2.3).</summary>
/// <param name="A">The share of a kept weight that goes to the first half (close to 0.5).</param>
/// <param name="B">The offset moved between the halves for a zeroed weight (≥ 0).</param>
public readonly record struct SplitCoefficients(double A, double B);

/// <summary>
/// BinaryBERT's Ternary Weight Splitting (METHODS.md §2.3): a ternary latent w (TWN ŵ = α_t·b)
/// becomes two binary latents w¹ + w² = w whose BWN images add up to ŵ. With
/// I = {ŵ ≠ 0}, J = {ŵ = 0, w ≥ 0}, K = {ŵ = 0, w &lt; 0}:
/// w¹ = a·w, w² = (1−a)·w on I; w¹ = w + b, w² = −b on J; w¹ = b, w² = w − b on K, where
/// b = [(n/|I|)·Σ_I|w| − Σ|w|] / [2(|J|+|K|)] and a = [Σ_I|w| + Σ_K|w| − Σ_J|w|] / [2·Σ_I|w|],
/// so α¹ = α² = α_t/2. Statistics in float64, per matrix for linears and per row for the word
/// embedding. w = 0 goes to J: the runtime's sign(0) is +1, so its halves still cancel.
/// Biases are not split: the runtime's split linear keeps one bias, the sum of the two halves'
/// b/2 (see docs/inference.md).
/// </summary>
public static class TernaryWeightSplit
{
    /// <summary>Splits one weight group; returns the coefficients used.</summary>
    /// <exception cref="ArgumentException">The spans differ in length or a weight is not finite.</exception>
    public static SplitCoefficients Split(ReadOnlySpan<float> w, Span<float> first, Span<float> second)
    {
        if (first.Length != w.Length || second.Length != w.Length)
            throw new ArgumentException($"tws: halves of {first.Length} and {second.Length} values for {w.Length} weights.");
        var ternary = new sbyte[w.Length];
        TernaryQuantizer.Ternarize(w, ternary); // throws on NaN/∞; the same Δ as the ternary forward
        double sumI = 0, sumJ = 0, sumK = 0, sumAll = 0;
        long countI = 0, countJK = 0;
        for (int i = 0; i < w.Length; i++)
        {
            double m = Math.Abs((double)w[i]);
            sumAll += m;
            if (ternary[i] != 0) { sumI += m; countI++; }
            else if (w[i] >= 0f) { sumJ += m; countJK++; }
            else { sumK += m; countJK++; }
        }
        // No kept weight means w ≡ 0 (every |w| ≤ 0.7·mean|w|): both halves 0 split it exactly.
        double a = sumI > 0 ? (sumI + sumK - sumJ) / (2 * sumI) : 0.5;
        double b = countI > 0 && countJK > 0 ? ((double)w.Length / countI * sumI - sumAll) / (2.0 * countJK) : 0;
        for (int i = 0; i < w.Length; i++)
        {
            double x = w[i];
            if (ternary[i] != 0) { first[i] = (float)(a * x); second[i] = (float)((1 - a) * x); }
            else if (w[i] >= 0f) { first[i] = (float)(x + b); second[i] = (float)-b; }
            else { first[i] = (float)b; second[i] = (float)(x - b); }
        }
        return new SplitCoefficients(a, b);
    }

    /// <summary>Splits each row of [rows, columns] on its own statistics (the word embedding).</summary>
    /// <exception cref="ArgumentException">The shapes do not fit or a weight is not finite.</exception>
    public static void SplitRows(ReadOnlySpan<float> w, int rows, int columns, Span<float> first, Span<float> second)
    {
        if (rows < 1 || columns < 1 || (long)rows * columns != w.Length)
            throw new ArgumentException($"tws: {w.Length} weights are not [{rows}, {columns}].");
        if (first.Length != w.Length || second.Length != w.Length)
            throw new ArgumentException($"tws: halves of {first.Length} and {second.Length} values for {w.Length} weights.");
        for (int r = 0; r < rows; r++)
        {
            Split(w.Slice(r * columns, columns), first.Slice(r * columns, columns), second.Slice(r * columns, columns));
        }
    }

    /// <summary>
    /// Splits a (ternary-trained) student in place: installs BinaryBERT's binary quantizers at
    /// <paramref name="activationBits"/> (keeping the trained LSQ steps of the ternary ones), then
    /// every quantized linear's weight becomes w¹ and its split half w², the word embedding likewise
    /// per row. Before training its forward equals the ternary model's (up to float rounding of the α's).
    /// </summary>
    /// <exception cref="InvalidOperationException">The model is already split.</exception>
    public static void Apply(TorchBertModel model, int activationBits)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (TorchStudentQuantization.EmbeddingSplit(model) is not null) throw new InvalidOperationException("tws: the model is already split.");
        TorchStudentQuantization.BinaryBertBinary(model, activationBits);
        using var noGrad = no_grad();
        foreach (Linear linear in TorchStudentQuantization.QuantizedLinears(model))
        {
            float[] w = TorchTensors.ToFloats(linear.weight!);
            var first = new float[w.Length];
            var second = new float[w.Length];
            Split(w, first, second);
            Copy(linear.weight!, first);
            Copy(TorchQuantizedModules.Quantizer(linear)!.WeightSplit!, second);
        }
        Tensor word = model.Embeddings.Word.weight!;
        float[] table = TorchTensors.ToFloats(word);
        var w1 = new float[table.Length];
        var w2 = new float[table.Length];
        SplitRows(table, (int)word.shape[0], (int)word.shape[1], w1, w2);
        Copy(word, w1);
        Copy(TorchStudentQuantization.EmbeddingSplit(model)!, w2);
    }

    private static void Copy(Tensor target, float[] values)
    {
        using Tensor source = tensor(values, target.shape, device: target.device);
        target.copy_(source);
    }
}
