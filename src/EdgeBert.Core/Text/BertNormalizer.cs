namespace EdgeBert.Text;

/// <summary>
/// HuggingFace's <c>BertNormalizer</c> with clean_text on: delete controls and U+FFFD, map
/// whitespace to a space, surround CJK ideographs with spaces, optionally NFD + drop nonspacing
/// marks, optionally lowercase. HF runs these as passes over the whole string; every pass but
/// NFD's canonical reordering is per code point, so one pass that applies them in HF's order
/// (and sorts the few surviving combining marks as they arrive) gives the same text.
/// </summary>
internal static class BertNormalizer
{
    /// <summary>Appends the normalized form of <paramref name="text"/> to <paramref name="output"/>.</summary>
    public static void Normalize(ReadOnlySpan<char> text, bool lowercase, bool stripAccents, bool handleChinese, ref PooledBuffer<char> output)
    {
        PooledBuffer<int> none = default;
        Normalize(text, lowercase, stripAccents, handleChinese, ref output, ref none, trackOrigins: false, baseOffset: 0);
    }

    /// <summary>
    /// Appends the normalized form of <paramref name="text"/> and, when
    /// <paramref name="trackOrigins"/>, for every output char the [start, end) UTF-16 range
    /// (plus <paramref name="baseOffset"/>) of the input code point it came from, as pairs in
    /// <paramref name="origins"/>. (A mark moved by canonical reordering keeps the range of the
    /// position it lands on; such marks only occur inside words that are [UNK] anyway.)
    /// </summary>
    public static void Normalize(ReadOnlySpan<char> text, bool lowercase, bool stripAccents, bool handleChinese,
        ref PooledBuffer<char> output, ref PooledBuffer<int> origins, bool trackOrigins, int baseOffset)
    {
        int barrier = output.Count; // see BertCharacters.AppendStripped
        for (int i = 0; i < text.Length;)
        {
            char c = text[i];
            int start = i, produced = output.Count;
            if (c < 128)
            {
                i++;
                if (BertCharacters.IsRemoved(c)) continue;
                if (BertCharacters.IsCleanWhitespace(c)) output.Add(' ');
                else BertCharacters.AppendCased(c, lowercase, ref output);
            }
            else
            {
                int cp = BertCharacters.ReadCodePoint(text, ref i);
                if (BertCharacters.IsRemoved(cp)) continue;
                if (BertCharacters.IsCleanWhitespace(cp))
                {
                    output.Add(' ');
                }
                else
                {
                    bool chinese = handleChinese && BertCharacters.IsChinese(cp);
                    if (chinese) output.Add(' ');
                    if (stripAccents) BertCharacters.AppendStripped(cp, lowercase, ref output, ref barrier);
                    else BertCharacters.AppendCased(cp, lowercase, ref output);
                    if (chinese) output.Add(' ');
                }
            }
            if (trackOrigins)
            {
                for (int k = produced; k < output.Count; k++)
                {
                    origins.Add(baseOffset + start);
                    origins.Add(baseOffset + i);
                }
            }
        }
    }
}
