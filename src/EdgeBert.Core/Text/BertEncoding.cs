namespace EdgeBert.Text;

/// <summary>
/// The result of <see cref="BertTokenizer.Encode(string, string?)"/>: token ids in the BERT
/// template <c>[CLS] A [SEP]</c> or <c>[CLS] A [SEP] B [SEP]</c>, their token type (segment)
/// ids (0 for A and its [SEP]s, 1 for B and the final [SEP]) and an attention mask.
/// </summary>
public sealed class BertEncoding
{
    private readonly int[] _ids;
    private readonly int[] _typeIds;
    private readonly int[] _attentionMask;

    private readonly (int Start, int End)[] _offsets;

    internal BertEncoding(int[] ids, int[] typeIds, (int Start, int End)[] offsets, bool truncated)
    {
        _offsets = offsets;
        _ids = ids;
        _typeIds = typeIds;
        _attentionMask = new int[ids.Length];
        Array.Fill(_attentionMask, 1);
        Truncated = truncated;
    }

    /// <summary>Number of tokens, special tokens included.</summary>
    public int Length => _ids.Length;

    /// <summary>Token ids.</summary>
    public ReadOnlySpan<int> Ids => _ids;

    /// <summary>Token type ids: 0 for the first sequence, 1 for the second.</summary>
    public ReadOnlySpan<int> TypeIds => _typeIds;

    /// <summary>Attention mask: 1 for every token (an encoding is never padded).</summary>
    public ReadOnlySpan<int> AttentionMask => _attentionMask;

    /// <summary>
    /// Per token, the [Start, End) UTF-16 range of the text it came from, in its own sequence
    /// (the first text or the pair); (0, 0) for the template's [CLS] and [SEP]. A word that
    /// became [UNK] spans the whole word. (HF reports the same ranges in code points.)
    /// </summary>
    public ReadOnlySpan<(int Start, int End)> Offsets => _offsets;

    /// <summary>Whether tokens were dropped to respect <see cref="BertTokenizerOptions.MaxLength"/>.</summary>
    public bool Truncated { get; }
}
