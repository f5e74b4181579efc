namespace EdgeBert.Runtime;

/// <summary>The result of classifying one text (the logits go to a caller buffer, so nothing is allocated).</summary>
/// <param name="Label">Index of the highest logit (the first on ties).</param>
/// <param name="LabelName">The model's name for <paramref name="Label"/>.</param>
/// <param name="Score">Probability of <paramref name="Label"/>: softmax(logits / T) with the model's calibration temperature T (<see cref="Model.Temperature"/>).</param>
/// <param name="TokenCount">
/// Tokens the encoder ran on, [CLS] and [SEP] included; for a text classified over several
/// windows, the text's length as one sequence (its word pieces + 2).
/// </param>
/// <param name="Truncated">Whether the text was cut to the model's maximum length.</param>
public readonly record struct Classification(int Label, string LabelName, float Score, int TokenCount, bool Truncated)
{
    /// <summary>How many windows the text was classified over (1 when it fits the session's length or was truncated).</summary>
    public int Windows { get; init; } = 1;
}

/// <summary>The result of embedding or encoding one text.</summary>
/// <param name="TokenCount">Tokens the encoder ran on, [CLS] and [SEP] included.</param>
/// <param name="Truncated">Whether the text was cut to the model's maximum length.</param>
public readonly record struct EncodeResult(int TokenCount, bool Truncated);
