using System.Text;

namespace EdgeBert.Text;

/// <summary>
/// A BERT WordPiece vocabulary in HuggingFace's <c>vocab.txt</c> form: one token per line, the
/// line number is the id, continuation pieces start with <c>##</c>. Immutable and thread-safe.
/// </summary>
public sealed class WordPieceVocabulary
{
    /// <summary>Prefix of pieces that continue a word.</summary>
    public const string ContinuationPrefix = "##";

    /// <summary>The unknown token.</summary>
    public const string UnknownToken = "[UNK]";

    /// <summary>The classification token that opens every encoding.</summary>
    public const string ClassifierToken = "[CLS]";

    /// <summary>The separator that closes each sequence.</summary>
    public const string SeparatorToken = "[SEP]";

    /// <summary>The padding token.</summary>
    public const string PaddingToken = "[PAD]";

    /// <summary>The masked-language-model mask token.</summary>
    public const string MaskToken = "[MASK]";

    private readonly string[] _tokens;
    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<string, int> _continuations;

    private WordPieceVocabulary(string[] tokens)
    {
        _tokens = tokens;
        _ids = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        _continuations = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int id = 0; id < tokens.Length; id++)
        {
            // A later duplicate wins, as in HF's WordPiece::read_file (a HashMap insert per line).
            _ids[tokens[id]] = id;
        }
        foreach (var (token, id) in _ids)
        {
            MaxTokenLength = Math.Max(MaxTokenLength, token.Length);
            if (token.Length > ContinuationPrefix.Length && token.StartsWith(ContinuationPrefix, StringComparison.Ordinal))
            {
                // Keyed without "##" so that a continuation is looked up on the word's own span.
                var rest = token[ContinuationPrefix.Length..];
                _continuations[rest] = id;
                MaxContinuationLength = Math.Max(MaxContinuationLength, rest.Length);
            }
        }
        Lookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
        ContinuationLookup = _continuations.GetAlternateLookup<ReadOnlySpan<char>>();

        UnknownId = RequireId(UnknownToken);
        ClassifierId = RequireId(ClassifierToken);
        SeparatorId = RequireId(SeparatorToken);
        PaddingId = _ids.TryGetValue(PaddingToken, out int pad) ? pad : null;
        MaskId = _ids.TryGetValue(MaskToken, out int mask) ? mask : null;
    }

    /// <summary>Number of lines (ids 0 to Count - 1).</summary>
    public int Count => _tokens.Length;

    /// <summary>Id of [UNK].</summary>
    public int UnknownId { get; }

    /// <summary>Id of [CLS].</summary>
    public int ClassifierId { get; }

    /// <summary>Id of [SEP].</summary>
    public int SeparatorId { get; }

    /// <summary>Id of [PAD], or <see langword="null"/> when the vocabulary has none.</summary>
    public int? PaddingId { get; }

    /// <summary>Id of [MASK], or <see langword="null"/> when the vocabulary has none.</summary>
    public int? MaskId { get; }

    internal Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> Lookup { get; }

    internal Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> ContinuationLookup { get; }

    internal int MaxTokenLength { get; }

    internal int MaxContinuationLength { get; }

    /// <summary>
    /// Builds a vocabulary from <c>vocab.txt</c> lines. As in HF, trailing whitespace (and a
    /// '\r') is trimmed from each line. Throws <see cref="FormatException"/> when [UNK], [CLS]
    /// or [SEP] is missing.
    /// </summary>
    public static WordPieceVocabulary FromLines(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var tokens = new List<string>();
        foreach (var line in lines)
        {
            if (line is null) throw new ArgumentException($"Vocabulary line {tokens.Count} is null.", nameof(lines));
            tokens.Add(line.TrimEnd());
        }
        return new WordPieceVocabulary([.. tokens]);
    }

    /// <summary>Reads a UTF-8 <c>vocab.txt</c> stream (a final empty line is not a token).</summary>
    public static WordPieceVocabulary Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        var lines = new List<string>();
        try
        {
            while (reader.ReadLine() is { } line) lines.Add(line);
        }
        catch (DecoderFallbackException e)
        {
            throw new FormatException($"Vocabulary is not valid UTF-8 (after line {lines.Count}): {e.Message}", e);
        }
        return FromLines(lines);
    }

    /// <summary>Reads a UTF-8 <c>vocab.txt</c> file.</summary>
    public static WordPieceVocabulary Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = File.OpenRead(path);
        try
        {
            return Load(stream);
        }
        catch (FormatException e)
        {
            throw new FormatException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>The token with id <paramref name="id"/>.</summary>
    public string IdToToken(int id)
    {
        if ((uint)id >= (uint)_tokens.Length)
            throw new ArgumentOutOfRangeException(nameof(id), id, $"Token id must be in [0, {_tokens.Length}).");
        return _tokens[id];
    }

    /// <summary>Looks up a whole token (continuations include their <c>##</c>).</summary>
    public bool TryGetId(ReadOnlySpan<char> token, out int id) => Lookup.TryGetValue(token, out id);

    /// <summary>Every token in id order (the lines of vocab.txt).</summary>
    public IReadOnlyList<string> Tokens => _tokens;

    private int RequireId(string token) =>
        _ids.TryGetValue(token, out int id)
            ? id
            : throw new FormatException($"The vocabulary has no {token} token; a BERT WordPiece vocabulary needs [UNK], [CLS] and [SEP].");
}
