namespace EdgeBert.Text;

/// <summary>
/// Character classes and mappings of HuggingFace's BERT normalizer and pre-tokenizer, looked up
/// in the probed <see cref="BertUnicodeTables"/>. ASCII is answered from a 128-entry table
/// because nearly all text is ASCII.
/// </summary>
internal static class BertCharacters
{
    private const byte RemovedFlag = 1, WhitespaceFlag = 2, PunctuationFlag = 4, PreTokenizerWhitespaceFlag = 8;

    // Hangul syllable decomposition constants (Unicode §3.12).
    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7, TCount = 28, NCount = 588, SCount = 11172;

    private static readonly byte[] s_ascii = BuildAsciiFlags();

    private static byte[] BuildAsciiFlags()
    {
        var flags = new byte[128];
        for (int c = 0; c < 128; c++)
        {
            if (InRanges(BertUnicodeTables.Removed, c)) flags[c] |= RemovedFlag;
            if (InRanges(BertUnicodeTables.Whitespace, c)) flags[c] |= WhitespaceFlag;
            if (InRanges(BertUnicodeTables.Punctuation, c)) flags[c] |= PunctuationFlag;
            if (InRanges(BertUnicodeTables.PreTokenizerWhitespace, c)) flags[c] |= PreTokenizerWhitespaceFlag;
        }
        return flags;
    }

    /// <summary>clean_text deletes it (controls, format characters, U+FFFD, surrogates, ...).</summary>
    public static bool IsRemoved(int cp) => cp < 128 ? (s_ascii[cp] & RemovedFlag) != 0 : InRanges(BertUnicodeTables.Removed, cp);

    /// <summary>clean_text turns it into a space.</summary>
    public static bool IsCleanWhitespace(int cp) => cp < 128 ? (s_ascii[cp] & WhitespaceFlag) != 0 : InRanges(BertUnicodeTables.Whitespace, cp);

    /// <summary>A CJK ideograph that handle_chinese_chars isolates.</summary>
    public static bool IsChinese(int cp) => cp >= 0x3400 && InRanges(BertUnicodeTables.Chinese, cp);

    /// <summary>The pre-tokenizer isolates it as a one-character word.</summary>
    public static bool IsPunctuation(int cp) => cp < 128 ? (s_ascii[cp] & PunctuationFlag) != 0 : InRanges(BertUnicodeTables.Punctuation, cp);

    /// <summary>The pre-tokenizer splits on it and drops it.</summary>
    public static bool IsPreTokenizerWhitespace(int cp) =>
        cp < 128 ? (s_ascii[cp] & PreTokenizerWhitespaceFlag) != 0 : InRanges(BertUnicodeTables.PreTokenizerWhitespace, cp);

    /// <summary>
    /// Appends NFD(<paramref name="cp"/>) without nonspacing marks, as HF's strip_accents does,
    /// then lowercased when asked. NFD also sorts each run of combining marks by combining class;
    /// only the few marks that survive the deletion can move, so they are sorted into place as
    /// they arrive. <paramref name="barrier"/> is the output index before which no mark may move:
    /// a deleted mark of class 0 ends a run although it leaves nothing in the output.
    /// </summary>
    public static void AppendStripped(int cp, bool lowercase, ref PooledBuffer<char> output, ref int barrier)
    {
        if ((uint)(cp - SBase) < SCount)
        {
            // Hangul syllables decompose algorithmically into conjoining jamo (never lowercased).
            int s = cp - SBase;
            output.Add((char)(LBase + s / NCount));
            output.Add((char)(VBase + s % NCount / TCount));
            if (s % TCount != 0) output.Add((char)(TBase + s % TCount));
            return;
        }
        if (InRanges(BertUnicodeTables.NonspacingMarks, cp))
        {
            if (InRanges(BertUnicodeTables.NonspacingStarters, cp)) barrier = output.Count;
            return;
        }
        int index = BertUnicodeTables.StripAccentsKeys.BinarySearch(cp);
        if (index < 0)
        {
            AppendDecomposed(cp, lowercase, ref output, barrier);
            return;
        }
        var decomposed = Slice(BertUnicodeTables.StripAccentsPool, BertUnicodeTables.StripAccentsStarts, index);
        for (int i = 0; i < decomposed.Length;)
        {
            int d = ReadCodePoint(decomposed, ref i);
            AppendDecomposed(d, lowercase, ref output, barrier);
        }
    }

    private static void AppendDecomposed(int cp, bool lowercase, ref PooledBuffer<char> output, int barrier)
    {
        AppendCased(cp, lowercase, ref output);
        int rank = SurvivingMarkRank(cp);
        if (rank == 0) return;

        // Canonical ordering: move the mark left past marks of a higher class (stable).
        var text = output.Span;
        int end = text.Length;
        int width = cp >= 0x10000 ? 2 : 1;
        int markStart = end - width;
        Span<char> swap = stackalloc char[4];
        while (markStart > barrier)
        {
            int prevStart = markStart - 1;
            if (char.IsLowSurrogate(text[prevStart]) && prevStart > barrier && char.IsHighSurrogate(text[prevStart - 1])) prevStart--;
            int cursor = prevStart;
            int prev = ReadCodePoint(text, ref cursor);
            if (SurvivingMarkRank(prev) <= rank) break;
            int prevWidth = markStart - prevStart;
            text.Slice(markStart, width).CopyTo(swap);
            text.Slice(prevStart, prevWidth).CopyTo(swap[width..]);
            swap[..(width + prevWidth)].CopyTo(text[prevStart..]);
            markStart = prevStart;
        }
    }

    /// <summary>Relative combining class of a mark that strip_accents keeps, or 0 for anything else.</summary>
    private static int SurvivingMarkRank(int cp)
    {
        if (cp < 0x8D4) return 0;
        int index = BertUnicodeTables.SurvivingMarkKeys.BinarySearch(cp);
        return index < 0 ? 0 : BertUnicodeTables.SurvivingMarkRanks[index];
    }

    /// <summary>Appends <paramref name="cp"/>, lowercased per Rust's <c>char::to_lowercase</c> when asked.</summary>
    public static void AppendCased(int cp, bool lowercase, ref PooledBuffer<char> output)
    {
        if (lowercase)
        {
            if (cp < 128)
            {
                output.Add((uint)(cp - 'A') <= 'Z' - 'A' ? (char)(cp | 0x20) : (char)cp);
                return;
            }
            int index = BertUnicodeTables.LowercaseKeys.BinarySearch(cp);
            if (index >= 0)
            {
                output.AddRange(Slice(BertUnicodeTables.LowercasePool, BertUnicodeTables.LowercaseStarts, index));
                return;
            }
        }
        AppendCodePoint(cp, ref output);
    }

    /// <summary>Appends a code point as one or two UTF-16 units.</summary>
    public static void AppendCodePoint(int cp, ref PooledBuffer<char> output)
    {
        if (cp < 0x10000)
        {
            output.Add((char)cp);
        }
        else
        {
            cp -= 0x10000;
            output.Add((char)(0xD800 + (cp >> 10)));
            output.Add((char)(0xDC00 + (cp & 0x3FF)));
        }
    }

    /// <summary>
    /// Reads the code point at <paramref name="i"/> and advances past it. A lone surrogate is
    /// returned as itself (a value in the surrogate range, which clean_text deletes), matching
    /// HF, which receives lone surrogates as U+FFFD.
    /// </summary>
    public static int ReadCodePoint(ReadOnlySpan<char> text, ref int i)
    {
        char c = text[i++];
        if (char.IsHighSurrogate(c) && i < text.Length && char.IsLowSurrogate(text[i]))
            return char.ConvertToUtf32(c, text[i++]);
        return c;
    }

    private static ReadOnlySpan<char> Slice(string pool, ReadOnlySpan<int> starts, int index) =>
        pool.AsSpan(starts[index], starts[index + 1] - starts[index]);

    /// <summary>Whether <paramref name="cp"/> lies in one of the sorted inclusive [first, last] pairs.</summary>
    internal static bool InRanges(ReadOnlySpan<int> ranges, int cp)
    {
        int lo = 0, hi = ranges.Length / 2 - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (cp < ranges[2 * mid]) hi = mid - 1;
            else if (cp > ranges[2 * mid + 1]) lo = mid + 1;
            else return true;
        }
        return false;
    }
}
