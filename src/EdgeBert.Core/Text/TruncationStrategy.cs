namespace EdgeBert.Text;

/// <summary>
/// What the tokenizer does when an encoding (with its special tokens) is longer than
/// <see cref="BertTokenizerOptions.MaxLength"/>. The first three are HuggingFace's strategies
/// with the same results; <see cref="Fail"/> is for callers that must not lose text.
/// </summary>
public enum TruncationStrategy
{
    /// <summary>Remove tokens from the longer sequence first (HF <c>longest_first</c>).</summary>
    LongestFirst,

    /// <summary>Remove tokens from the first sequence only (HF <c>only_first</c>).</summary>
    OnlyFirst,

    /// <summary>Remove tokens from the second sequence only (HF <c>only_second</c>).</summary>
    OnlySecond,

    /// <summary>Throw <see cref="InputTooLongException"/> instead of truncating.</summary>
    Fail,
}
