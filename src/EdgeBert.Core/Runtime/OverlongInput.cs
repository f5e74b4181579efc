namespace EdgeBert.Runtime;

/// <summary>What a session does with text longer than its maximum sequence length.</summary>
public enum OverlongInput
{
    /// <summary>Keep the first tokens and report <c>Truncated = true</c> in the result.</summary>
    Truncate,
    /// <summary>Throw <see cref="Text.InputTooLongException"/>.</summary>
    Fail,
    /// <summary>
    /// The default: classify the whole text over overlapping windows of the session's length and
    /// aggregate their scores (<see cref="SessionOptions.Aggregation"/>; the result's
    /// <see cref="Classification.Windows"/> says how many). Only classification of single texts
    /// windows; sentence pairs, embed, encode and tokenize (one sequence by nature) truncate as
    /// <see cref="Truncate"/> does.
    /// </summary>
    Windows,
}
