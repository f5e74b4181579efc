namespace EdgeBert.Runtime;

/// <summary>What a session does with text longer than the model's maximum sequence length.</summary>
public enum OverlongInput
{
    /// <summary>Keep the first tokens and report <c>Truncated = true</c> in the result.</summary>
    Truncate,
    /// <summary>Throw <see cref="Text.InputTooLongException"/>.</summary>
    Fail,
}
