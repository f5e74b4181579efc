namespace EdgeBert.Text;

/// <summary>
/// HuggingFace's WordPiece model: greedy longest match from the left, continuation pieces
/// looked up with <c>##</c>, a word longer than the limit or with no match somewhere becomes a
/// single [UNK].
/// </summary>
internal static class WordPieceModel
{
    /// <summary>Appends the ids of <paramref name="word"/>'s pieces to <paramref name="ids"/>.</summary>
    public static void AppendPieces(WordPieceVocabulary vocabulary, ReadOnlySpan<char> word, int maxInputCharsPerWord, ref PooledBuffer<int> ids)
    {
        // HF counts Unicode scalar values (Rust chars), not UTF-16 units.
        if (word.Length > maxInputCharsPerWord && CountCodePoints(word) > maxInputCharsPerWord)
        {
            ids.Add(vocabulary.UnknownId);
            return;
        }

        int mark = ids.Count;
        var head = vocabulary.Lookup;
        var continuation = vocabulary.ContinuationLookup;
        int start = 0;
        while (start < word.Length)
        {
            // No entry is longer than the longest token, so shorter candidates start there; HF
            // starts at the end of the word, which only adds lookups that cannot succeed.
            int longest = start == 0 ? vocabulary.MaxTokenLength : vocabulary.MaxContinuationLength;
            int end = Math.Min(word.Length, start + longest);
            int id = -1;
            for (; end > start; end--)
            {
                var piece = word[start..end];
                if (start == 0 ? head.TryGetValue(piece, out id) : continuation.TryGetValue(piece, out id)) break;
            }
            if (end == start)
            {
                ids.Truncate(mark);
                ids.Add(vocabulary.UnknownId);
                return;
            }
            ids.Add(id);
            start = end;
        }
    }

    private static int CountCodePoints(ReadOnlySpan<char> word)
    {
        int count = 0;
        for (int i = 0; i < word.Length; i++)
        {
            if (char.IsHighSurrogate(word[i]) && i + 1 < word.Length && char.IsLowSurrogate(word[i + 1])) i++;
            count++;
        }
        return count;
    }
}
