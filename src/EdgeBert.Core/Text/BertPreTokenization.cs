namespace EdgeBert.Text;

/// <summary>
/// The words WordPiece would see for a text, without a vocabulary: HuggingFace's BertNormalizer
/// followed by its BertPreTokenizer, exactly as <see cref="BertTokenizer"/> runs them. The
/// vocabulary trainer uses it so that a trained vocabulary and run-time tokenization can never
/// disagree on what a word is.
/// </summary>
public static class BertPreTokenization
{
    /// <summary>
    /// Normalizes <paramref name="text"/> (clean-up, CJK splitting, optional lowercasing and
    /// accent stripping, per <paramref name="options"/>) and splits it on whitespace and
    /// punctuation.
    /// </summary>
    public static List<string> Split(string text, BertTokenizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        options ??= new BertTokenizerOptions();
        var normalized = new PooledBuffer<char>(text.Length + 16);
        try
        {
            BertNormalizer.Normalize(text, options.Lowercase, options.EffectiveStripAccents, options.HandleChineseCharacters, ref normalized);
            var words = new List<string>();
            foreach (var word in new BertPreTokenizer(normalized.Span))
            {
                words.Add(word.ToString());
            }
            return words;
        }
        finally
        {
            normalized.Dispose();
        }
    }
}
