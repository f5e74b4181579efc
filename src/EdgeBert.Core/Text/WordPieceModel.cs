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
        PooledBuffer<int> none = default;
        AppendPieces(vocabulary, word, maxInputCharsPerWord, ref ids, ref none, trackRanges: false, wordStart: 0);
    }

    /// <summary>
    /// Appends the ids of <paramref name="word"/>'s pieces and, when <paramref name="trackRanges"/>,
    /// each piece's [start, end) in the normalized text (the word begins at <paramref name="wordStart"/>)
    /// as pairs in <paramref name="ranges"/>.
    /// </summary>
    public static void AppendPieces(WordPieceVocabulary vocabulary, ReadOnlySpan<char> word, int maxInputCharsPerWord,
        ref PooledBuffer<int> ids, ref PooledBuffer<int> ranges, bool trackRanges, int wordStart)
    {
        // HF counts Unicode scalar values (Rust chars), not UTF-16 units.
        if (word.Length > maxInputCharsPerWord && CountCodePoints(word) > maxInputCharsPerWord)
        {
            AddUnknown(vocabulary, word, ref ids, ref ranges, trackRanges, wordStart);
            return;
        }

        int mark = ids.Count, rangeMark = trackRanges ? ranges.Count : 0;
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
                if (trackRanges) ranges.Truncate(rangeMark);
                AddUnknown(vocabulary, word, ref ids, ref ranges, trackRanges, wordStart);
                return;
            }
            ids.Add(id);
            if (trackRanges)
            {
                ranges.Add(wordStart + start);
                ranges.Add(wordStart + end);
            }
            start = end;
        }
    }

    private static void AddUnknown(WordPieceVocabulary vocabulary, ReadOnlySpan<char> word, ref PooledBuffer<int> ids, ref PooledBuffer<int> ranges, bool trackRanges, int wordStart)
    {
        ids.Add(vocabulary.UnknownId);
        if (trackRanges)
        {
            ranges.Add(wordStart);
            ranges.Add(wordStart + word.Length);
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
