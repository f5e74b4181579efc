using System.Buffers;

namespace EdgeBert.Text;

/// <summary>
/// Finds the vocabulary's special tokens written in raw text, leftmost then longest, the way HF
/// matches its added tokens (not normalized, anywhere in a word) before normalization.
/// </summary>
internal sealed class SpecialTokenMatcher
{
    private readonly string[] _tokens;
    private readonly int[] _ids;
    private readonly SearchValues<char> _firstChars;

    public SpecialTokenMatcher(WordPieceVocabulary vocabulary)
    {
        var tokens = new List<string>();
        var ids = new List<int>();
        foreach (var token in new[] { WordPieceVocabulary.PaddingToken, WordPieceVocabulary.UnknownToken, WordPieceVocabulary.ClassifierToken, WordPieceVocabulary.SeparatorToken, WordPieceVocabulary.MaskToken })
        {
            if (vocabulary.TryGetId(token, out int id))
            {
                tokens.Add(token);
                ids.Add(id);
            }
        }
        _tokens = [.. tokens];
        _ids = [.. ids];
        _firstChars = SearchValues.Create(string.Concat(_tokens.Select(t => t[0])));
    }

    /// <summary>Index of the next special token in <paramref name="text"/>, or -1.</summary>
    public int FindNext(ReadOnlySpan<char> text, out int length, out int id)
    {
        int offset = 0;
        while (true)
        {
            int at = text[offset..].IndexOfAny(_firstChars);
            if (at < 0) break;
            at += offset;
            int best = -1;
            for (int t = 0; t < _tokens.Length; t++)
            {
                if (text[at..].StartsWith(_tokens[t], StringComparison.Ordinal) && (best < 0 || _tokens[t].Length > _tokens[best].Length))
                    best = t;
            }
            if (best >= 0)
            {
                length = _tokens[best].Length;
                id = _ids[best];
                return at;
            }
            offset = at + 1;
        }
        length = 0;
        id = -1;
        return -1;
    }
}
