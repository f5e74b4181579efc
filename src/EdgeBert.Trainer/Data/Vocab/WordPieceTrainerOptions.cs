namespace EdgeBert.Trainer.Data.Vocab;

/// <summary>How candidate merges of two adjacent subwords are ranked.</summary>
public enum WordPieceScoring
{
    /// <summary>
    /// By pair frequency, as the Hugging Face <c>tokenizers</c> WordPiece trainer does (it runs BPE
    /// merges and writes a WordPiece vocabulary). Frequent words become whole tokens first, which is
    /// what a small vocabulary needs. The default.
    /// </summary>
    Frequency,

    /// <summary>
    /// By freq(ab) / (freq(a) · freq(b)), the likelihood gain of the original WordPiece description.
    /// It favours pairs of rare pieces, so with a small budget frequent words may stay split.
    /// </summary>
    Likelihood,
}

/// <summary>Options of <see cref="WordPieceTrainer"/>.</summary>
public sealed record WordPieceTrainerOptions
{
    /// <summary>The special tokens every BERT vocabulary starts with, in this order.</summary>
    public static IReadOnlyList<string> BertSpecialTokens { get; } = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];

    /// <summary>Target vocabulary size, special tokens and characters included (default 8000).</summary>
    public int VocabSize { get; init; } = 8000;

    /// <summary>Pairs seen fewer times than this are never merged (default 2).</summary>
    public long MinFrequency { get; init; } = 2;

    /// <summary>Lowercase and strip accents during pre-tokenization (uncased BERT); default false.</summary>
    public bool Lowercase { get; init; }

    /// <summary>
    /// Most distinct characters kept, the most frequent first (default 1000). Words with other
    /// characters are left out of training; the tokenizer will map them to [UNK].
    /// </summary>
    public int LimitAlphabet { get; init; } = 1000;

    /// <summary>Words longer than this many chars are left out, as BERT maps them to [UNK] (default 100).</summary>
    public int MaxWordChars { get; init; } = 100;

    /// <summary>How merges are ranked (default <see cref="WordPieceScoring.Frequency"/>).</summary>
    public WordPieceScoring Scoring { get; init; } = WordPieceScoring.Frequency;

    /// <summary>Tokens placed first, in order (default <see cref="BertSpecialTokens"/>).</summary>
    public IReadOnlyList<string> SpecialTokens { get; init; } = BertSpecialTokens;

    /// <summary>The prefix marking a subword that continues a word (default <c>##</c>).</summary>
    public string ContinuationPrefix { get; init; } = "##";
}
