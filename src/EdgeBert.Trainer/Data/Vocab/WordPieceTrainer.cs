using System.Text;

namespace EdgeBert.Trainer.Data.Vocab;

/// <summary>
/// Learns a WordPiece vocabulary from text. Usage: <see cref="Add"/> every text (words are counted
/// after <see cref="EdgeBert.Text.BertPreTokenization"/>, the runtime tokenizer's own normalization), then <see cref="Train"/>. Output order, as in a Hugging
/// Face / BERT <c>vocab.txt</c>: special tokens, single characters, continuation characters
/// (<c>##c</c>), then learned subwords in the order they were learned.
/// </summary>
/// <remarks>
/// Each word starts as its characters (all but the first with the <c>##</c> prefix). Repeatedly the
/// best adjacent pair over all words, weighted by word count, is merged into one symbol and added to
/// the vocabulary, until the target size is reached or no pair is frequent enough. Pair counts are
/// updated incrementally, only for words that contain the merged pair. Ties are broken by the merged
/// string (ordinal), so the result depends only on the word counts: the same corpus always gives the
/// same vocabulary.
/// </remarks>
public sealed class WordPieceTrainer
{
    private readonly WordPieceTrainerOptions _options;
    private readonly EdgeBert.Text.BertTokenizerOptions _preTokenization;
    private readonly Dictionary<string, long> _wordCounts = new(StringComparer.Ordinal);

    /// <summary>Creates a trainer.</summary>
    /// <exception cref="ArgumentException">The options are inconsistent.</exception>
    public WordPieceTrainer(WordPieceTrainerOptions? options = null)
    {
        _options = options ?? new WordPieceTrainerOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.VocabSize, _options.SpecialTokens.Count + 1, "VocabSize");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.LimitAlphabet, "LimitAlphabet");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.MaxWordChars, "MaxWordChars");
        ArgumentException.ThrowIfNullOrEmpty(_options.ContinuationPrefix, "ContinuationPrefix");
        if (_options.SpecialTokens.Distinct(StringComparer.Ordinal).Count() != _options.SpecialTokens.Count)
        {
            throw new ArgumentException("Special tokens must be distinct.", nameof(options));
        }
        _preTokenization = new EdgeBert.Text.BertTokenizerOptions { Lowercase = _options.Lowercase };
    }

    /// <summary>Number of distinct words counted so far.</summary>
    public int DistinctWords => _wordCounts.Count;

    /// <summary>Pre-tokenizes <paramref name="text"/> and counts its words.</summary>
    public void Add(string text)
    {
        foreach (var word in EdgeBert.Text.BertPreTokenization.Split(text, _preTokenization))
        {
            AddWord(word, 1);
        }
    }

    /// <summary>Counts <paramref name="word"/> (already pre-tokenized) <paramref name="count"/> more times.</summary>
    public void AddWord(string word, long count)
    {
        ArgumentException.ThrowIfNullOrEmpty(word);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        _wordCounts[word] = _wordCounts.GetValueOrDefault(word) + count;
    }

    /// <summary>Learns the vocabulary from the words counted so far.</summary>
    /// <param name="progress">Receives the vocabulary size now and then.</param>
    /// <exception cref="InvalidOperationException">No words were added, or the target size cannot even hold
    /// the special tokens and the characters.</exception>
    public IReadOnlyList<string> Train(IProgress<int>? progress = null)
    {
        if (_wordCounts.Count == 0)
        {
            throw new InvalidOperationException("No words to learn a vocabulary from: the corpus is empty.");
        }
        var state = new MergeState(_options.ContinuationPrefix);
        var vocab = new List<string>(_options.SpecialTokens);
        var inVocab = new HashSet<string>(vocab, StringComparer.Ordinal);

        var alphabet = ChooseAlphabet();
        foreach (var c in alphabet.Order(StringComparer.Ordinal))
        {
            if (inVocab.Add(c))
            {
                vocab.Add(c);
            }
        }
        // Words in ordinal order give symbol ids, and thus tie-breaks, that depend on nothing else.
        foreach (var (word, count) in _wordCounts.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (word.Length <= _options.MaxWordChars && Characters(word).All(alphabet.Contains))
            {
                state.AddWord(Characters(word), count);
            }
        }
        foreach (var symbol in state.ContinuationCharacters().Order(StringComparer.Ordinal))
        {
            if (inVocab.Add(symbol))
            {
                vocab.Add(symbol);
            }
        }
        if (vocab.Count > _options.VocabSize)
        {
            throw new InvalidOperationException(
                $"Vocabulary size {_options.VocabSize} cannot hold the {_options.SpecialTokens.Count} special tokens and " +
                $"{vocab.Count - _options.SpecialTokens.Count} characters (with ## forms); raise the size or lower LimitAlphabet.");
        }

        while (vocab.Count < _options.VocabSize)
        {
            var best = state.BestPair(_options.Scoring, _options.MinFrequency);
            if (best is null)
            {
                break;
            }
            var merged = state.Merge(best.Value);
            if (inVocab.Add(merged))
            {
                vocab.Add(merged);
                if (vocab.Count % 100 == 0)
                {
                    progress?.Report(vocab.Count);
                }
            }
        }
        progress?.Report(vocab.Count);
        return vocab;
    }

    /// <summary>Writes a vocabulary as <c>vocab.txt</c>: one token per line, UTF-8 without BOM, LF endings.</summary>
    public static void WriteVocab(string path, IReadOnlyList<string> vocab)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(vocab);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        writer.NewLine = "\n";
        foreach (var token in vocab)
        {
            writer.WriteLine(token);
        }
    }

    // The LimitAlphabet most frequent characters (ties: ordinal), counted over words × counts.
    private HashSet<string> ChooseAlphabet()
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (word, count) in _wordCounts)
        {
            foreach (var c in Characters(word))
            {
                counts[c] = counts.GetValueOrDefault(c) + count;
            }
        }
        return counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(_options.LimitAlphabet).Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);
    }

    // Characters are runes (a surrogate pair is one character).
    private static List<string> Characters(string word)
    {
        var chars = new List<string>(word.Length);
        foreach (var rune in word.EnumerateRunes())
        {
            chars.Add(rune.ToString());
        }
        return chars;
    }
}
