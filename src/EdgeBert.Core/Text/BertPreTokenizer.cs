namespace EdgeBert.Text;

/// <summary>
/// HuggingFace's <c>BertPreTokenizer</c> as an allocation-free enumerator over normalized text:
/// words are split on whitespace (dropped) and every punctuation character is a word of its own.
/// </summary>
internal ref struct BertPreTokenizer
{
    private readonly ReadOnlySpan<char> _text;
    private int _position;

    public BertPreTokenizer(ReadOnlySpan<char> normalized)
    {
        _text = normalized;
        _position = 0;
        Current = default;
    }

    /// <summary>The word found by the last successful <see cref="MoveNext"/>.</summary>
    public ReadOnlySpan<char> Current { get; private set; }

    /// <summary>Index of <see cref="Current"/> in the normalized text.</summary>
    public int CurrentStart { get; private set; }

    public BertPreTokenizer GetEnumerator() => this;

    public bool MoveNext()
    {
        var text = _text;
        int i = _position;
        while (i < text.Length)
        {
            int start = i;
            int cp = BertCharacters.ReadCodePoint(text, ref i);
            if (BertCharacters.IsPreTokenizerWhitespace(cp)) continue;
            if (BertCharacters.IsPunctuation(cp))
            {
                Current = text[start..i];
                CurrentStart = start;
                _position = i;
                return true;
            }
            int end = i;
            while (end < text.Length)
            {
                int next = end;
                int c = BertCharacters.ReadCodePoint(text, ref next);
                if (BertCharacters.IsPreTokenizerWhitespace(c) || BertCharacters.IsPunctuation(c)) break;
                end = next;
            }
            Current = text[start..end];
            CurrentStart = start;
            _position = end;
            return true;
        }
        _position = i;
        return false;
    }
}
