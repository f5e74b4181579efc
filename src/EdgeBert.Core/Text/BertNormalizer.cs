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
        int barrier = output.Count; // see BertCharacters.AppendStripped
        for (int i = 0; i < text.Length;)
        {
            char c = text[i];
            if (c < 128)
            {
                i++;
                if (BertCharacters.IsRemoved(c)) continue;
                if (BertCharacters.IsCleanWhitespace(c)) output.Add(' ');
                else BertCharacters.AppendCased(c, lowercase, ref output);
                continue;
            }

            int cp = BertCharacters.ReadCodePoint(text, ref i);
            if (BertCharacters.IsRemoved(cp)) continue;
            if (BertCharacters.IsCleanWhitespace(cp))
            {
                output.Add(' ');
                continue;
            }
            bool chinese = handleChinese && BertCharacters.IsChinese(cp);
            if (chinese) output.Add(' ');
            if (stripAccents) BertCharacters.AppendStripped(cp, lowercase, ref output, ref barrier);
            else BertCharacters.AppendCased(cp, lowercase, ref output);
            if (chinese) output.Add(' ');
        }
    }
}
