namespace EdgeBert.Runtime;

/// <summary>How the scores of the windows over a long text become the text's score (docs/inference.md).</summary>
public enum WindowAggregation
{
    /// <summary>The mean of the windows' logits, label by label; label and probability follow from it.</summary>
    MeanLogits,
    /// <summary>
    /// The logits of the window with the highest probability of the model's last label (the positive
    /// class of a binary model: spam for the spam models): a long text is as spammy as its spammiest part.
    /// </summary>
    MaxPositive,
}
