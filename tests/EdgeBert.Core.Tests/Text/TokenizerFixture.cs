using System.Text.Json;
using EdgeBert.Text;

namespace EdgeBert.Core.Tests.Text;

/// <summary>The committed golden fixture (tools/tokenizer-fixture/generate.js) and its vocabulary.</summary>
internal static class TokenizerFixture
{
    public static string Directory => Path.Combine(TestContext.CurrentContext.TestDirectory, "Text", "Fixtures");

    private static readonly Lazy<WordPieceVocabulary> s_vocabulary =
        new(() => WordPieceVocabulary.Load(Path.Combine(AppContext.BaseDirectory, "Text", "Fixtures", "vocab.txt")));

    public static WordPieceVocabulary Vocabulary => s_vocabulary.Value;

    public static BertTokenizer Uncased(int? maxLength = null) => new(Vocabulary, new BertTokenizerOptions { MaxLength = maxLength });

    public static BertTokenizer Cased(int? maxLength = null) =>
        new(Vocabulary, new BertTokenizerOptions { Lowercase = false, MaxLength = maxLength });

    public static IReadOnlyList<GoldenCase> Cases => s_cases.Value;

    private static readonly Lazy<IReadOnlyList<GoldenCase>> s_cases = new(() => Load().Cases);

    private static readonly Lazy<IReadOnlyList<NormalizerCase>> s_normalizerCases = new(() => Load().NormalizerCases);

    /// <summary>HF's BertNormalizer output for the fixture texts, per configuration.</summary>
    public static IReadOnlyList<NormalizerCase> NormalizerCases => s_normalizerCases.Value;

    private static (IReadOnlyList<GoldenCase> Cases, IReadOnlyList<NormalizerCase> NormalizerCases) Load()
    {
        using var stream = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "Text", "Fixtures", "bert-wordpiece-golden.json"));
        using var doc = JsonDocument.Parse(stream);
        var configs = doc.RootElement.GetProperty("configs");
        var normalizerCases = new List<NormalizerCase>();
        foreach (var c in doc.RootElement.GetProperty("normalizerCases").EnumerateArray())
        {
            string configName = c.GetProperty("config").GetString()!;
            var config = configs.GetProperty(configName);
            normalizerCases.Add(new NormalizerCase(
                normalizerCases.Count, configName, ReadText(c, "text")!,
                config.GetProperty("lowercase").GetBoolean(), config.GetProperty("strip_accents").GetBoolean(),
                config.GetProperty("handle_chinese_chars").GetBoolean(), c.GetProperty("normalized").GetString()!));
        }
        var cases = new List<GoldenCase>();
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            string configName = c.GetProperty("config").GetString()!;
            var config = configs.GetProperty(configName);
            var options = new BertTokenizerOptions
            {
                Lowercase = config.GetProperty("lowercase").GetBoolean(),
                StripAccents = config.GetProperty("strip_accents").GetBoolean(),
                HandleChineseCharacters = config.GetProperty("handle_chinese_chars").GetBoolean(),
                MaxLength = c.TryGetProperty("maxLength", out var max) ? max.GetInt32() : null,
                Truncation = c.TryGetProperty("strategy", out var s) ? Enum.Parse<TruncationStrategy>(s.GetString()!) : TruncationStrategy.LongestFirst,
                TruncationSide = c.TryGetProperty("side", out var side) ? Enum.Parse<TruncationSide>(side.GetString()!) : TruncationSide.Right,
            };
            cases.Add(new GoldenCase(
                c.GetProperty("id").GetInt32(),
                configName,
                ReadText(c, "text")!,
                ReadText(c, "pair"),
                options,
                c.TryGetProperty("ids", out var ids) ? ids.EnumerateArray().Select(e => e.GetInt32()).ToArray() : null,
                c.TryGetProperty("typeIds", out var types) ? types.EnumerateArray().Select(e => e.GetInt32()).ToArray() : null,
                c.TryGetProperty("truncated", out var t) && t.GetBoolean(),
                c.TryGetProperty("error", out var err) ? err.GetString() : null,
                c.TryGetProperty("offsets", out var offsets) ? offsets.EnumerateArray().Select(e => e.GetInt32()).ToArray() : null));
        }
        return (cases, normalizerCases);
    }

    // Texts with lone surrogates travel as UTF-16 code units: JSON readers reject such escapes.
    private static string? ReadText(JsonElement c, string key)
    {
        if (c.TryGetProperty(key + "Units", out var units))
            return new string(units.EnumerateArray().Select(u => (char)u.GetInt32()).ToArray());
        return c.TryGetProperty(key, out var text) ? text.GetString() : null;
    }
}

/// <summary>One normalizer case: HF's BertNormalizer output for a text under one configuration.</summary>
internal sealed record NormalizerCase(int Id, string Config, string Text, bool Lowercase, bool StripAccents, bool HandleChinese, string Expected);

/// <summary>One fixture case: HF's ids for a text (or pair) under one configuration, or HF's error.</summary>
internal sealed record GoldenCase(
    int Id, string Config, string Text, string? Pair, BertTokenizerOptions Options,
    int[]? Ids, int[]? TypeIds, bool Truncated, string? Error, int[]? CodePointOffsets)
{
    /// <summary>
    /// HF's offsets converted from code point indices to UTF-16 indices of each sequence (a lone
    /// surrogate reaches HF as one U+FFFD, one code point either way).
    /// </summary>
    public (int Start, int End)[]? Utf16Offsets()
    {
        if (CodePointOffsets is null) return null;
        int[] first = CodePointToUtf16(Text), second = CodePointToUtf16(Pair ?? "");
        var result = new (int, int)[CodePointOffsets.Length / 2];
        for (int i = 0; i < result.Length; i++)
        {
            // Type id 1 marks the second sequence; the template's tokens are (0, 0) either way.
            var map = TypeIds![i] == 1 ? second : first;
            result[i] = (map[CodePointOffsets[2 * i]], map[CodePointOffsets[2 * i + 1]]);
        }
        return result;
    }

    private static int[] CodePointToUtf16(string s)
    {
        var map = new List<int>();
        for (int i = 0; i < s.Length; i++)
        {
            map.Add(i);
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) i++;
        }
        map.Add(s.Length);
        return [.. map];
    }

    /// <summary>A readable description for failure messages (escapes invisible characters).</summary>
    public string Describe() =>
        $"case #{Id} [{Config}, maxLength={Options.MaxLength?.ToString() ?? "none"}, {Options.Truncation}, {Options.TruncationSide}] " +
        $"text={Escape(Text)}" + (Pair is null ? "" : $" pair={Escape(Pair)}");

    public static string Escape(string s)
    {
        var b = new System.Text.StringBuilder("\"");
        foreach (char ch in s.Length > 300 ? s[..300] + "…" : s)
            b.Append(ch is >= ' ' and < '\u007f' ? ch.ToString() : $"\\u{(int)ch:X4}");
        return b.Append('"').ToString();
    }
}
