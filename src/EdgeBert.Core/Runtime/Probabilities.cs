namespace EdgeBert.Runtime;

/// <summary>
/// Label probabilities from logits as the runtime reports them: softmax(logits / T), with T the
/// model's calibration temperature (<see cref="Model.Temperature"/>; 1 for an uncalibrated model).
/// Dividing by T > 0 never changes the winning label, only how sure the probability says it is.
/// </summary>
public static class Probabilities
{
    /// <summary>The probability of <paramref name="label"/>, computed stably from its margins over the other labels.</summary>
    public static float Of(ReadOnlySpan<float> logits, int label, float temperature)
    {
        float inverse = 1f / temperature, sum = 0f;
        for (int j = 0; j < logits.Length; j++) sum += MathF.Exp((logits[j] - logits[label]) * inverse);
        return 1f / sum;
    }

    /// <summary>Every label's probability into <paramref name="probabilities"/> (in double, as the command line prints them).</summary>
    public static void Softmax(ReadOnlySpan<float> logits, float temperature, Span<double> probabilities)
    {
        float max = float.NegativeInfinity;
        foreach (float z in logits) max = Math.Max(max, z);
        double sum = 0, inverse = 1.0 / temperature;
        for (int i = 0; i < logits.Length; i++) sum += probabilities[i] = Math.Exp((logits[i] - max) * inverse);
        for (int i = 0; i < logits.Length; i++) probabilities[i] /= sum;
    }
}
