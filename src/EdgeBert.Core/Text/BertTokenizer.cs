using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace EdgeBert.Text;

/// <summary>
/// BERT WordPiece tokenizer with the same ids as HuggingFace's <c>tokenizers</c> (checked
/// against a golden fixture generated with it): BertNormalizer (clean_text, CJK splitting,
/// optional lowercasing and accent stripping), BertPreTokenizer, WordPiece, the
/// <c>[CLS] A [SEP] B [SEP]</c> template and truncation. Immutable and thread-safe; the span
/// overloads allocate nothing once the shared array pool is warm.
/// </summary>
/// <remarks>
/// Strings with lone surrogates are tokenized as HF tokenizes them once they reach it from a
/// JavaScript or Python string: each lone surrogate becomes U+FFFD, which clean_text deletes.
/// UTF-8 input is validated instead: invalid bytes throw (see <see cref="EncodeUtf8(ReadOnlySpan{byte})"/>).
/// </remarks>
public sealed class BertTokenizer
{
    private readonly SpecialTokenMatcher _specials;
    private readonly bool _lowercase;
    private readonly bool _stripAccents;

    /// <summary>Creates a tokenizer over <paramref name="vocabulary"/>.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public BertTokenizer(WordPieceVocabulary vocabulary, BertTokenizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        options ??= new BertTokenizerOptions();
        options.Validate();
        Vocabulary = vocabulary;
        Options = options;
        _specials = new SpecialTokenMatcher(vocabulary);
        _lowercase = options.Lowercase;
        _stripAccents = options.EffectiveStripAccents;
    }

    /// <summary>The vocabulary.</summary>
    public WordPieceVocabulary Vocabulary { get; }

    /// <summary>The options, validated.</summary>
    public BertTokenizerOptions Options { get; }

    /// <summary>
    /// Encodes <paramref name="text"/>, or the pair (<paramref name="text"/>,
    /// <paramref name="pair"/>) when <paramref name="pair"/> is not null (an empty pair still
    /// adds its [SEP]).
    /// </summary>
    /// <exception cref="InputTooLongException">Too long and the options forbid truncating it.</exception>
    public BertEncoding Encode(string text, string? pair = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new PooledBuffer<int>(64);
        var typeIds = new PooledBuffer<int>(64);
        var offsets = new PooledBuffer<int>(128);
        try
        {
            bool truncated = EncodeCore(text, pair, pair is not null, ref ids, ref typeIds, ref offsets, trackOffsets: true);
            var pairs = new (int Start, int End)[ids.Count];
            for (int i = 0; i < pairs.Length; i++) pairs[i] = (offsets.Span[2 * i], offsets.Span[2 * i + 1]);
            return new BertEncoding(ids.Span.ToArray(), typeIds.Span.ToArray(), pairs, truncated);
        }
        finally
        {
            ids.Dispose();
            typeIds.Dispose();
            offsets.Dispose();
        }
    }

    /// <summary>
    /// Encodes one sequence into caller buffers without allocating. Buffers of
    /// <see cref="BertTokenizerOptions.MaxLength"/> entries are always large enough.
    /// </summary>
    /// <returns>The number of tokens written.</returns>
    /// <exception cref="ArgumentException">A destination is too short; the message gives the length needed.</exception>
    /// <exception cref="InputTooLongException">Too long and the options forbid truncating it.</exception>
    public int Encode(ReadOnlySpan<char> text, Span<int> ids, Span<int> typeIds, out bool truncated) =>
        EncodeInto(text, default, false, ids, typeIds, out truncated);

    /// <summary>Encodes a sentence pair into caller buffers without allocating.</summary>
    /// <returns>The number of tokens written.</returns>
    /// <exception cref="ArgumentException">A destination is too short; the message gives the length needed.</exception>
    /// <exception cref="InputTooLongException">Too long and the options forbid truncating it.</exception>
    public int EncodePair(ReadOnlySpan<char> text, ReadOnlySpan<char> pair, Span<int> ids, Span<int> typeIds, out bool truncated) =>
        EncodeInto(text, pair, true, ids, typeIds, out truncated);

    /// <summary>
    /// Encodes UTF-8 text. Invalid UTF-8 is never replaced silently: it throws
    /// <see cref="ArgumentException"/> naming the byte offset. (Callers that prefer HF's
    /// behaviour for such input can decode with <see cref="Encoding.UTF8"/>, which substitutes
    /// U+FFFD, which the tokenizer then deletes.)
    /// </summary>
    public BertEncoding EncodeUtf8(ReadOnlySpan<byte> text)
    {
        var chars = DecodeUtf8(text, nameof(text));
        try
        {
            return Encode(new string(chars.Span));
        }
        finally
        {
            chars.Dispose();
        }
    }

    /// <summary>Encodes a UTF-8 sentence pair; invalid UTF-8 throws as in <see cref="EncodeUtf8(ReadOnlySpan{byte})"/>.</summary>
    public BertEncoding EncodeUtf8(ReadOnlySpan<byte> text, ReadOnlySpan<byte> pair)
    {
        var a = DecodeUtf8(text, nameof(text));
        var b = DecodeUtf8(pair, nameof(pair));
        try
        {
            return Encode(new string(a.Span), new string(b.Span));
        }
        finally
        {
            a.Dispose();
            b.Dispose();
        }
    }

    /// <summary>UTF-8 variant of <see cref="Encode(ReadOnlySpan{char}, Span{int}, Span{int}, out bool)"/>; allocation-free, invalid UTF-8 throws.</summary>
    public int EncodeUtf8(ReadOnlySpan<byte> text, Span<int> ids, Span<int> typeIds, out bool truncated)
    {
        var chars = DecodeUtf8(text, nameof(text));
        try
        {
            return EncodeInto(chars.Span, default, false, ids, typeIds, out truncated);
        }
        finally
        {
            chars.Dispose();
        }
    }

    /// <summary>
    /// The word pieces of <paramref name="text"/> (no [CLS]/[SEP], no truncation), e.g.
    /// <c>["token", "##izer"]</c>; special tokens written in the text appear as themselves.
    /// </summary>
    public IReadOnlyList<string> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new PooledBuffer<int>(64);
        var scratch = new PooledBuffer<char>(text.Length + 16);
        try
        {
            AppendSequence(text, ref ids, ref scratch);
            var tokens = new string[ids.Count];
            for (int i = 0; i < tokens.Length; i++) tokens[i] = Vocabulary.IdToToken(ids.Span[i]);
            return tokens;
        }
        finally
        {
            ids.Dispose();
            scratch.Dispose();
        }
    }

    /// <summary>
    /// The token ids of the windows a session classifies <paramref name="text"/> over when it is
    /// longer than <see cref="BertTokenizerOptions.MaxLength"/> (overlapping windows of
    /// MaxLength − 2 word pieces every half window, the last one aligned to the end; see
    /// docs/inference.md), each as [CLS] … [SEP] with type ids 0; one sequence, equal to
    /// <see cref="Encode(string, string?)"/>'s ids, when the text fits (or MaxLength is null). For
    /// training on the windows the runtime will see.
    /// </summary>
    public IReadOnlyList<int[]> EncodeWindows(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int[] pieces = [];
        int count = EncodePieces(text, ref pieces);
        // No length limit (MaxLength null): one window of everything.
        var windows = new Runtime.TextWindows(count, Options.MaxLength is int max ? max - 2 : Math.Max(count, 1));
        var sequences = new int[windows.Count][];
        for (int w = 0; w < windows.Count; w++)
        {
            int start = windows.Start(w), length = windows.Length(w);
            var ids = new int[length + 2];
            ids[0] = Vocabulary.ClassifierId;
            pieces.AsSpan(start, length).CopyTo(ids.AsSpan(1));
            ids[^1] = Vocabulary.SeparatorId;
            sequences[w] = ids;
        }
        return sequences;
    }

    /// <summary>
    /// The word pieces of one sequence, with no [CLS]/[SEP] and no length limit (the runtime's
    /// windows over long texts), into <paramref name="pieces"/>, which is replaced by a larger array
    /// when it is short: a caller that keeps the array allocates nothing once it has seen its
    /// longest text.
    /// </summary>
    /// <returns>The number of pieces written.</returns>
    internal int EncodePieces(ReadOnlySpan<char> text, ref int[] pieces)
    {
        var ids = new PooledBuffer<int>(64);
        var scratch = new PooledBuffer<char>(text.Length + 16);
        try
        {
            AppendSequence(text, ref ids, ref scratch);
            if (pieces.Length < ids.Count) pieces = new int[Math.Max(ids.Count, 2 * pieces.Length)];
            ids.Span.CopyTo(pieces);
            return ids.Count;
        }
        finally
        {
            ids.Dispose();
            scratch.Dispose();
        }
    }

    /// <summary>UTF-8 variant of <see cref="EncodePieces(ReadOnlySpan{char}, ref int[])"/>; invalid UTF-8 throws as in <see cref="EncodeUtf8(ReadOnlySpan{byte})"/>.</summary>
    internal int EncodePiecesUtf8(ReadOnlySpan<byte> text, ref int[] pieces)
    {
        var chars = DecodeUtf8(text, nameof(text));
        try
        {
            return EncodePieces(chars.Span, ref pieces);
        }
        finally
        {
            chars.Dispose();
        }
    }

    private int EncodeInto(ReadOnlySpan<char> text, ReadOnlySpan<char> pair, bool hasPair, Span<int> ids, Span<int> typeIds, out bool truncated)
    {
        var idBuffer = new PooledBuffer<int>(64);
        var typeBuffer = new PooledBuffer<int>(64);
        try
        {
            truncated = EncodeCore(text, pair, hasPair, ref idBuffer, ref typeBuffer);
            int count = idBuffer.Count;
            if (ids.Length < count || typeIds.Length < count)
                throw new ArgumentException($"The destination buffers hold {Math.Min(ids.Length, typeIds.Length)} tokens but the encoding has {count}.", ids.Length < count ? nameof(ids) : nameof(typeIds));
            idBuffer.Span.CopyTo(ids);
            typeBuffer.Span.CopyTo(typeIds);
            return count;
        }
        finally
        {
            idBuffer.Dispose();
            typeBuffer.Dispose();
        }
    }

    private bool EncodeCore(ReadOnlySpan<char> text, ReadOnlySpan<char> pair, bool hasPair, ref PooledBuffer<int> ids, ref PooledBuffer<int> typeIds)
    {
        PooledBuffer<int> none = default;
        return EncodeCore(text, pair, hasPair, ref ids, ref typeIds, ref none, trackOffsets: false);
    }

    /// <summary>
    /// The whole pipeline. With <paramref name="trackOffsets"/>, <paramref name="offsets"/> gets a
    /// [start, end) pair per token: UTF-16 indices into the token's own sequence, (0, 0) for the
    /// template's [CLS]/[SEP].
    /// </summary>
    private bool EncodeCore(ReadOnlySpan<char> text, ReadOnlySpan<char> pair, bool hasPair,
        ref PooledBuffer<int> ids, ref PooledBuffer<int> typeIds, ref PooledBuffer<int> offsets, bool trackOffsets)
    {
        var first = new PooledBuffer<int>(64);
        var second = new PooledBuffer<int>(hasPair ? 64 : 1);
        var scratch = new PooledBuffer<char>(Math.Max(text.Length, pair.Length) + 16);
        PooledBuffer<int> firstOffsets = default, secondOffsets = default, origins = default, ranges = default;
        if (trackOffsets)
        {
            firstOffsets = new PooledBuffer<int>(128);
            secondOffsets = new PooledBuffer<int>(hasPair ? 128 : 1);
            origins = new PooledBuffer<int>(2 * scratch.Capacity.Length);
            ranges = new PooledBuffer<int>(128);
        }
        try
        {
            AppendSequence(text, ref first, ref scratch, ref firstOffsets, ref origins, ref ranges, trackOffsets);
            if (hasPair) AppendSequence(pair, ref second, ref scratch, ref secondOffsets, ref origins, ref ranges, trackOffsets);

            var side = Options.TruncationSide;
            bool truncated = BertTruncation.Plan(Options, first.Count, second.Count, hasPair, out int keep1, out int keep2);
            if (truncated)
            {
                BertTruncation.Keep(ref first, keep1, side);
                BertTruncation.Keep(ref second, keep2, side);
                if (trackOffsets)
                {
                    BertTruncation.Keep(ref firstOffsets, 2 * keep1, side);
                    BertTruncation.Keep(ref secondOffsets, 2 * keep2, side);
                }
            }

            int cls = Vocabulary.ClassifierId, sep = Vocabulary.SeparatorId;
            ids.Add(cls);
            ids.AddRange(first.Span);
            ids.Add(sep);
            for (int i = 0; i < first.Count + 2; i++) typeIds.Add(0);
            if (hasPair)
            {
                ids.AddRange(second.Span);
                ids.Add(sep);
                for (int i = 0; i < second.Count + 1; i++) typeIds.Add(1);
            }
            if (trackOffsets)
            {
                offsets.AddRange([0, 0]);
                offsets.AddRange(firstOffsets.Span);
                offsets.AddRange([0, 0]);
                if (hasPair)
                {
                    offsets.AddRange(secondOffsets.Span);
                    offsets.AddRange([0, 0]);
                }
            }
            return truncated;
        }
        finally
        {
            first.Dispose();
            second.Dispose();
            scratch.Dispose();
            if (trackOffsets)
            {
                firstOffsets.Dispose();
                secondOffsets.Dispose();
                origins.Dispose();
                ranges.Dispose();
            }
        }
    }

    /// <summary>Appends the word-piece ids of one sequence: special tokens, then normalized, pre-tokenized words.</summary>
    private void AppendSequence(ReadOnlySpan<char> text, ref PooledBuffer<int> ids, ref PooledBuffer<char> scratch)
    {
        PooledBuffer<int> none = default;
        AppendSequence(text, ref ids, ref scratch, ref none, ref none, ref none, trackOffsets: false);
    }

    private void AppendSequence(ReadOnlySpan<char> text, ref PooledBuffer<int> ids, ref PooledBuffer<char> scratch,
        ref PooledBuffer<int> offsets, ref PooledBuffer<int> origins, ref PooledBuffer<int> ranges, bool trackOffsets)
    {
        int consumed = 0; // UTF-16 index of the current segment in the sequence
        var rest = text;
        while (!rest.IsEmpty)
        {
            int at = -1, length = 0, specialId = -1;
            if (Options.RecognizeSpecialTokens) at = _specials.FindNext(rest, out length, out specialId);
            var plain = at < 0 ? rest : rest[..at];

            scratch.Clear();
            if (trackOffsets)
            {
                origins.Clear();
                ranges.Clear();
            }
            BertNormalizer.Normalize(plain, _lowercase, _stripAccents, Options.HandleChineseCharacters, ref scratch, ref origins, trackOffsets, consumed);
            var words = new BertPreTokenizer(scratch.Span);
            while (words.MoveNext())
                WordPieceModel.AppendPieces(Vocabulary, words.Current, Options.MaxInputCharsPerWord, ref ids, ref ranges, trackOffsets, words.CurrentStart);

            if (trackOffsets)
            {
                // A piece spans the original code points its normalized chars came from.
                var origin = origins.Span;
                var pieceRanges = ranges.Span;
                for (int r = 0; r < pieceRanges.Length; r += 2)
                {
                    int start = int.MaxValue, end = 0;
                    for (int k = pieceRanges[r]; k < pieceRanges[r + 1]; k++)
                    {
                        start = Math.Min(start, origin[2 * k]);
                        end = Math.Max(end, origin[2 * k + 1]);
                    }
                    offsets.Add(start);
                    offsets.Add(end);
                }
            }

            if (at < 0) break;
            ids.Add(specialId);
            if (trackOffsets)
            {
                offsets.Add(consumed + at);
                offsets.Add(consumed + at + length);
            }
            consumed += at + length;
            rest = rest[(at + length)..];
        }
    }

    private static PooledBuffer<char> DecodeUtf8(ReadOnlySpan<byte> utf8, string paramName)
    {
        // UTF-16 never needs more code units than UTF-8 has bytes.
        var chars = new PooledBuffer<char>(utf8.Length);
        var status = Utf8.ToUtf16(utf8, chars.Capacity, out int read, out int written, replaceInvalidSequences: false);
        if (status != OperationStatus.Done)
        {
            chars.Dispose();
            string bytes = Convert.ToHexString(utf8.Slice(read, Math.Min(4, utf8.Length - read)));
            throw new ArgumentException($"Input is not valid UTF-8: invalid or incomplete sequence at byte offset {read} (bytes {bytes}).", paramName);
        }
        chars.SetCount(written);
        return chars;
    }
}
