using System.Globalization;
using EdgeBert.Text;
using Ml = Microsoft.ML.Tokenizers;

namespace EdgeBert.Core.Tests.Text;

/// <summary>
/// Microsoft.ML.Tokenizers 3.0.0's <c>BertTokenizer</c> as a second oracle (issue 14, item 5;
/// docs/tokenizer.md). It is not HuggingFace-identical, so it is trusted only on its agreement
/// domain: printable ASCII without Unicode symbols (<c>$ + &lt; = &gt; ^ ` | ~</c>, which it deletes),
/// without <c>_</c> and without special tokens written in another case. On the golden fixture it
/// must agree with HF on every case in that domain, and ours must agree with it wherever it agrees
/// with HF; on generated text in the domain ours must agree with it. The fixture statistics
/// (agreements, and the disagreements by cause) are written to the test output for the docs.
/// </summary>
[Category("Text")]
public class MlTokenizersOracleTests
{
    private static readonly string[] s_specialNames = ["[CLS]", "[SEP]", "[PAD]", "[MASK]", "[UNK]"];

    private static Ml.BertTokenizer Oracle(BertTokenizerOptions o) =>
        Ml.BertTokenizer.Create(Path.Combine(AppContext.BaseDirectory, "Text", "Fixtures", "vocab.txt"), new Ml.BertOptions
        {
            LowerCaseBeforeTokenization = o.Lowercase,
            RemoveNonSpacingMarks = o.EffectiveStripAccents,
            IndividuallyTokenizeCjk = o.HandleChineseCharacters,
            ApplyBasicTokenization = true,
            SplitOnSpecialTokens = true,
        });

    private static int[] OracleIds(Ml.BertTokenizer oracle, string text, string? pair)
    {
        IReadOnlyList<int> first = oracle.EncodeToIds(text, addSpecialTokens: false);
        IReadOnlyList<int>? second = pair is null ? null : oracle.EncodeToIds(pair, addSpecialTokens: false);
        return [.. oracle.BuildInputsWithSpecialTokens(first, second)];
    }

    /// <summary>Whether <paramref name="s"/> lies where the oracle is expected to equal HF.</summary>
    internal static bool InAgreementDomain(string s)
    {
        foreach (char ch in s)
        {
            if (ch is < ' ' or > '~' or '_') return false;
            if (char.GetUnicodeCategory(ch) is UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol
                or UnicodeCategory.ModifierSymbol or UnicodeCategory.OtherSymbol) return false;
        }

        return !HasSpecialTokenInAnotherCase(s);
    }

    /// <summary>Whether <paramref name="s"/> writes a special token in another case ("[cls]"), which only the oracle recognizes.</summary>
    private static bool HasSpecialTokenInAnotherCase(string s)
    {
        foreach (string name in s_specialNames)
        {
            for (int at = s.IndexOf(name, StringComparison.OrdinalIgnoreCase); at >= 0; at = s.IndexOf(name, at + 1, StringComparison.OrdinalIgnoreCase))
            {
                if (string.CompareOrdinal(s, at, name, 0, name.Length) != 0) return true;
            }
        }

        return false;
    }

    [Test]
    public void OnTheGoldenFixtureItAgreesWithHuggingFaceInItsDomainAndOursAgreesWhereverItDoes()
    {
        var oracles = new Dictionary<string, Ml.BertTokenizer>();
        var causes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int notExpressible = 0, compared = 0, agreeing = 0, inDomain = 0;
        foreach (GoldenCase c in TokenizerFixture.Cases)
        {
            // The oracle has no pair truncation strategies, truncation side or refusal.
            if (c.Error is not null || c.Options.MaxLength is not null)
            {
                notExpressible++;
                continue;
            }

            compared++;
            if (!oracles.TryGetValue(c.Config, out Ml.BertTokenizer? oracle)) oracles[c.Config] = oracle = Oracle(c.Options);
            int[] oracleIds = OracleIds(oracle, c.Text, c.Pair);
            string all = c.Text + c.Pair;
            bool domain = InAgreementDomain(all);
            if (domain) inDomain++;
            if (oracleIds.SequenceEqual(c.Ids!))
            {
                agreeing++;
                var ours = new BertTokenizer(TokenizerFixture.Vocabulary, c.Options).Encode(c.Text, c.Pair);
                Assert.That(ours.Ids.ToArray(), Is.EqualTo(oracleIds), "ours vs Microsoft.ML.Tokenizers: " + c.Describe());
                continue;
            }

            Assert.That(domain, Is.False, "Microsoft.ML.Tokenizers differs from HF inside its agreement domain: " + c.Describe());
            foreach (string cause in Causes(all)) causes[cause] = causes.GetValueOrDefault(cause) + 1;
        }

        TestContext.Out.WriteLine($"fixture cases {TokenizerFixture.Cases.Count}: not expressible (truncation or refusal) {notExpressible}, " +
                                  $"compared {compared}, identical ids {agreeing}, differing {compared - agreeing}, in the agreement domain {inDomain}");
        foreach ((string cause, int count) in causes) TestContext.Out.WriteLine($"  differing cases containing {cause}: {count}");
        Assert.That(inDomain, Is.GreaterThan(300), "the agreement domain must cover a real share of the fixture");
        Assert.That(agreeing, Is.GreaterThanOrEqualTo(inDomain));
    }

    private static IEnumerable<string> Causes(string s)
    {
        if (s.Any(ch => char.GetUnicodeCategory(ch) is UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol
                or UnicodeCategory.ModifierSymbol or UnicodeCategory.OtherSymbol)) yield return "a Unicode symbol (S*)";
        if (s.Any(ch => ch is '\t' or '\n' or '\r')) yield return "a tab or line break";
        if (s.Any(ch => char.IsControl(ch) && ch is not ('\t' or '\n' or '\r'))) yield return "another control character";
        if (s.Contains('_')) yield return "an underscore";
        if (s.Any(ch => ch > '~')) yield return "non-ASCII text";
        if (HasSpecialTokenInAnotherCase(s)) yield return "a special token in another case";
    }

    [TestCase(true)]
    [TestCase(false)]
    public void OnGeneratedTextInItsDomainOursAgreesWithIt(bool lowercase)
    {
        var options = new BertTokenizerOptions { Lowercase = lowercase, MaxLength = null };
        var ours = new BertTokenizer(TokenizerFixture.Vocabulary, options);
        Ml.BertTokenizer oracle = Oracle(options);
        var rng = new Random(lowercase ? 14 : 41);
        for (int i = 0; i < 500; i++)
        {
            string text = GeneratedText(rng);
            string? pair = i % 3 == 0 ? GeneratedText(rng) : null;
            Assert.That(InAgreementDomain(text + pair), Is.True, text);
            Assert.That(ours.Encode(text, pair).Ids.ToArray(), Is.EqualTo(OracleIds(oracle, text, pair)),
                $"text={GoldenCase.Escape(text)} pair={(pair is null ? "none" : GoldenCase.Escape(pair))}");
        }
    }

    /// <summary>Words from the vocabulary (pieces glued together too), random letters, digits and the punctuation both handle alike.</summary>
    private static string GeneratedText(Random rng)
    {
        const string punctuation = ".,!?;:'\"()[]{}-/@#%&*\\";
        var b = new System.Text.StringBuilder();
        int words = rng.Next(0, 30);
        for (int w = 0; w < words; w++)
        {
            if (w > 0) b.Append(rng.Next(8) == 0 ? "  " : " ");
            switch (rng.Next(6))
            {
                case 0:
                    for (int k = rng.Next(1, rng.Next(10) == 0 ? 120 : 12); k > 0; k--) b.Append((char)(rng.Next(2) == 0 ? 'a' + rng.Next(26) : 'A' + rng.Next(26)));
                    break;
                case 1:
                    b.Append(rng.Next(100000));
                    break;
                case 2:
                    b.Append(punctuation[rng.Next(punctuation.Length)]);
                    break;
                case 3:
                    b.Append(s_specialNames[rng.Next(s_specialNames.Length)]);
                    break;
                default:
                    for (int k = rng.Next(1, 4); k > 0; k--)
                    {
                        string token = TokenizerFixture.Vocabulary.IdToToken(rng.Next(TokenizerFixture.Vocabulary.Count));
                        string piece = token.StartsWith("##", StringComparison.Ordinal) ? token[2..] : token;
                        if (InAgreementDomain(piece) && !piece.StartsWith('[')) b.Append(rng.Next(4) == 0 ? piece.ToUpperInvariant() : piece);
                    }
                    break;
            }

            if (rng.Next(5) == 0) b.Append(punctuation[rng.Next(punctuation.Length)]);
        }

        return b.ToString();
    }
}
