namespace EdgeBert.Text;

/// <summary>
/// Settings of a <see cref="BertTokenizer"/>, matching HuggingFace's <c>BertNormalizer</c>,
/// <c>WordPiece</c> and truncation parameters. <c>clean_text</c> is always on, as in every BERT
/// checkpoint. The defaults are those of an uncased BERT with 512 positions.
/// </summary>
public sealed record BertTokenizerOptions
{
    /// <summary>Lowercase the text (Rust's per-character <c>to_lowercase</c>). Default true.</summary>
    public bool Lowercase { get; init; } = true;

    /// <summary>
    /// Decompose (NFD) and drop nonspacing marks. <see langword="null"/> (the default) follows
    /// <see cref="Lowercase"/>, as HF does.
    /// </summary>
    public bool? StripAccents { get; init; }

    /// <summary>Put spaces around CJK ideographs so each becomes its own word. Default true.</summary>
    public bool HandleChineseCharacters { get; init; } = true;

    /// <summary>
    /// Maximum encoding length including [CLS] and [SEP] (at least 2), or <see langword="null"/>
    /// for no limit. Default 512, BERT's position count.
    /// </summary>
    public int? MaxLength { get; init; } = 512;

    /// <summary>How an encoding longer than <see cref="MaxLength"/> is shortened, or whether it fails.</summary>
    public TruncationStrategy Truncation { get; init; } = TruncationStrategy.LongestFirst;

    /// <summary>Which end of a sequence loses tokens. Default <see cref="TruncationSide.Right"/>.</summary>
    public TruncationSide TruncationSide { get; init; } = TruncationSide.Right;

    /// <summary>Words with more code points than this become [UNK] (HF <c>max_input_chars_per_word</c>, 100).</summary>
    public int MaxInputCharsPerWord { get; init; } = 100;

    /// <summary>
    /// Treat the vocabulary's special tokens ([CLS], [SEP], [PAD], [MASK], [UNK]) written in the
    /// raw text as those tokens, as HF does for its added special tokens. Default true; false
    /// tokenizes them as ordinary text ("[", "cl", "##s", "]").
    /// </summary>
    public bool RecognizeSpecialTokens { get; init; } = true;

    /// <summary>Whether accents are stripped once <see cref="StripAccents"/> is resolved.</summary>
    public bool EffectiveStripAccents => StripAccents ?? Lowercase;

    /// <summary>Throws <see cref="ArgumentException"/> when a setting is out of range.</summary>
    public void Validate()
    {
        if (MaxLength is < 2)
            throw new ArgumentException($"MaxLength must be at least 2 (room for [CLS] and [SEP]) or null; got {MaxLength}.", nameof(MaxLength));
        if (MaxInputCharsPerWord < 1)
            throw new ArgumentException($"MaxInputCharsPerWord must be positive; got {MaxInputCharsPerWord}.", nameof(MaxInputCharsPerWord));
        if (!Enum.IsDefined(Truncation))
            throw new ArgumentException($"Unknown truncation strategy {(int)Truncation}.", nameof(Truncation));
        if (!Enum.IsDefined(TruncationSide))
            throw new ArgumentException($"Unknown truncation side {(int)TruncationSide}.", nameof(TruncationSide));
    }
}
