namespace EdgeBert.Text;

/// <summary>
/// Thrown when an input does not fit in <see cref="BertTokenizerOptions.MaxLength"/> and may
/// not be truncated: the strategy is <see cref="TruncationStrategy.Fail"/>, or the sequence the
/// strategy may shorten is too short to absorb the excess (HF's "Sequence to truncate too short").
/// </summary>
public sealed class InputTooLongException : ArgumentException
{
    /// <summary>Creates the exception for an encoding of <paramref name="tokenCount"/> tokens.</summary>
    /// <param name="tokenCount">Tokens the full encoding would have, special tokens included.</param>
    /// <param name="maxLength">The configured maximum, special tokens included.</param>
    /// <param name="message">What could not be done.</param>
    public InputTooLongException(int tokenCount, int maxLength, string message)
        : base(message)
    {
        TokenCount = tokenCount;
        MaxLength = maxLength;
    }

    /// <summary>Tokens the untruncated encoding has, special tokens included.</summary>
    public int TokenCount { get; }

    /// <summary>The configured maximum length, special tokens included.</summary>
    public int MaxLength { get; }
}
