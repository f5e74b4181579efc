namespace EdgeBert.Runtime;

/// <summary>The result of classifying one text (the logits go to a caller buffer, so nothing is allocated).</summary>
/// <param name="Label">Index of the highest logit (the first on ties).</param>
/// <param name="LabelName">The model's name for <paramref name="Label"/>.</param>
/// <param name="Score">Softmax probability of <paramref name="Label"/>.</param>
/// <param name="TokenCount">Tokens the encoder ran on, [CLS] and [SEP] included.</param>
/// <param name="Truncated">Whether the text was cut to the model's maximum length.</param>
public readonly record struct Classification(int Label, string LabelName, float Score, int TokenCount, bool Truncated);

/// <summary>The result of embedding or encoding one text.</summary>
/// <param name="TokenCount">Tokens the encoder ran on, [CLS] and [SEP] included.</param>
/// <param name="Truncated">Whether the text was cut to the model's maximum length.</param>
public readonly record struct EncodeResult(int TokenCount, bool Truncated);
