using System.Text;
using EdgeBert.Trainer.Data.Vocab;

namespace EdgeBert.Trainer.Tests.Data.Vocab;

public class WordPieceTrainerTests
{
    private static readonly string[] Specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];

    // A Zipf-like corpus: word i of a fixed lexicon occurs about 2000 / (i + 1) times, in seeded order.
    private static List<string> ZipfCorpus(int seed, int sentences = 400)
    {
        string[] lexicon =
        [
            "the", "whale", "ship", "captain", "sea", "harpoon", "ocean", "sailor", "deck", "voyage", "storm", "island",
            "wind", "mast", "anchor", "crew", "rope", "wave", "boat", "fish", "shore", "night", "star", "compass",
            "lantern", "barrel", "cabin", "galley", "hammock", "keel", "rudder", "tide",
        ];
        var weights = lexicon.Select((_, i) => 1.0 / (i + 1)).ToArray();
        double total = weights.Sum();
        var random = new Random(seed);
        var result = new List<string>();
        for (int s = 0; s < sentences; s++)
        {
            var words = new List<string>();
            for (int w = 0; w < 12; w++)
            {
                double u = random.NextDouble() * total;
                int i = 0;
                while (u > weights[i] && i < weights.Length - 1)
                {
                    u -= weights[i++];
                }
                words.Add(lexicon[i]);
            }
            result.Add(string.Join(' ', words) + ".");
        }
        return result;
    }

    private static IReadOnlyList<string> Train(IEnumerable<string> texts, WordPieceTrainerOptions options)
    {
        var trainer = new WordPieceTrainer(options);
        foreach (var text in texts)
        {
            trainer.Add(text);
        }
        return trainer.Train();
    }

    // Greedy longest-match-first WordPiece, as BERT's tokenizer applies a vocab.txt.
    private static List<string> Encode(string word, IReadOnlyList<string> vocab)
    {
        var set = vocab.ToHashSet();
        var pieces = new List<string>();
        int start = 0;
        while (start < word.Length)
        {
            int end = word.Length;
            string? piece = null;
            while (end > start)
            {
                var candidate = (start > 0 ? "##" : "") + word[start..end];
                if (set.Contains(candidate))
                {
                    piece = candidate;
                    break;
                }
                end--;
            }
            if (piece is null)
            {
                return ["[UNK]"];
            }
            pieces.Add(piece);
            start = end;
        }
        return pieces;
    }

    [Test]
    public void Vocab_StartsWithSpecials_ThenCharacters_ThenContinuations_ThenSubwords()
    {
        const int seed = 3;
        var vocab = Train(ZipfCorpus(seed), new WordPieceTrainerOptions { VocabSize = 120 });
        Assert.That(vocab.Take(5), Is.EqualTo(Specials));
        var rest = vocab.Skip(5).ToList();
        int firstContinuation = rest.FindIndex(t => t.StartsWith("##"));
        var characters = rest.Take(firstContinuation).ToList();
        Assert.That(characters.All(c => c.Length == 1), Is.True, $"seed {seed}: {string.Join(' ', characters)}");
        Assert.That(characters, Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
        Assert.That(characters, Does.Contain(".").And.Contain("w"));
        var continuations = rest.Skip(firstContinuation).TakeWhile(t => t.StartsWith("##") && t.Length == 3).ToList();
        Assert.That(continuations, Does.Contain("##h"), $"seed {seed}");
        Assert.That(vocab, Has.Count.EqualTo(120), $"seed {seed}");
        Assert.That(vocab.Distinct().Count(), Is.EqualTo(vocab.Count), "no token twice");
    }

    [Test]
    public void FrequentWords_BecomeSingleTokens()
    {
        const int seed = 5;
        var vocab = Train(ZipfCorpus(seed), new WordPieceTrainerOptions { VocabSize = 150 });
        foreach (var word in new[] { "the", "whale", "ship", "captain", "sea" })
        {
            Assert.That(vocab, Does.Contain(word), $"seed {seed}, size 150");
            Assert.That(Encode(word, vocab), Is.EqualTo(new[] { word }), $"seed {seed}");
        }
    }

    [Test]
    public void EveryCorpusWord_EncodesWithoutUnk()
    {
        const int seed = 8;
        var corpus = ZipfCorpus(seed);
        var vocab = Train(corpus, new WordPieceTrainerOptions { VocabSize = 80 });
        var options = new EdgeBert.Text.BertTokenizerOptions { Lowercase = false };
        foreach (var word in corpus.SelectMany(text => EdgeBert.Text.BertPreTokenization.Split(text, options)).Distinct())
        {
            var pieces = Encode(word, vocab);
            Assert.That(pieces, Does.Not.Contain("[UNK]"), $"word '{word}', seed {seed}");
            Assert.That(string.Concat(pieces.Select(p => p.TrimStart('#'))), Is.EqualTo(word), $"seed {seed}");
        }
    }

    [TestCase(WordPieceScoring.Frequency)]
    [TestCase(WordPieceScoring.Likelihood)]
    public void Training_IsDeterministic_AndIndependentOfInputOrder(WordPieceScoring scoring)
    {
        const int seed = 13;
        var corpus = ZipfCorpus(seed);
        var options = new WordPieceTrainerOptions { VocabSize = 200, Scoring = scoring };
        var first = Train(corpus, options);
        var second = Train(corpus, options);
        var reversed = Train(Enumerable.Reverse(corpus), options);
        Assert.That(second, Is.EqualTo(first), $"seed {seed}, {scoring}");
        Assert.That(reversed, Is.EqualTo(first), $"seed {seed}, {scoring}: order of texts must not matter");
    }

    [Test]
    public void Lowercase_FoldsCaseAndAccents()
    {
        var vocab = Train(Enumerable.Repeat("Café CAFÉ café", 10), new WordPieceTrainerOptions { VocabSize = 30, Lowercase = true });
        Assert.That(vocab, Does.Contain("cafe"));
        Assert.That(vocab, Does.Not.Contain("C").And.Not.Contain("é"));
    }

    [Test]
    public void MinFrequency_StopsMergingRarePairs()
    {
        var trainer = new WordPieceTrainer(new WordPieceTrainerOptions { VocabSize = 1000, MinFrequency = 3 });
        trainer.AddWord("aaab", 2);
        trainer.AddWord("cd", 3);
        var vocab = trainer.Train();
        Assert.That(vocab, Does.Contain("cd"));
        Assert.That(vocab.Skip(5).Where(t => t.TrimStart('#').Length > 1), Is.EqualTo(new[] { "cd" }));
    }

    [Test]
    public void LimitAlphabet_DropsWordsWithRareCharacters()
    {
        var trainer = new WordPieceTrainer(new WordPieceTrainerOptions { VocabSize = 100, LimitAlphabet = 2 });
        trainer.AddWord("abab", 10);
        trainer.AddWord("xyz", 1);
        var vocab = trainer.Train();
        Assert.That(vocab, Does.Not.Contain("x").And.Not.Contain("##y"));
        Assert.That(vocab, Does.Contain("abab"));
    }

    [Test]
    public void TooSmallASize_ForTheAlphabet_IsAClearError()
    {
        var trainer = new WordPieceTrainer(new WordPieceTrainerOptions { VocabSize = 8 });
        trainer.Add("abcdefghij");
        Assert.That(() => trainer.Train(),
            Throws.InvalidOperationException.With.Message.Contains("cannot hold").And.Message.Contains("LimitAlphabet"));
    }

    [Test]
    public void EmptyCorpus_IsAClearError() =>
        Assert.That(() => new WordPieceTrainer().Train(), Throws.InvalidOperationException.With.Message.Contains("empty"));

    [Test]
    public void BadOptions_AreRejected()
    {
        Assert.That(() => new WordPieceTrainer(new WordPieceTrainerOptions { VocabSize = 5 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new WordPieceTrainer(new WordPieceTrainerOptions { SpecialTokens = ["[A]", "[A]"] }), Throws.ArgumentException);
        Assert.That(() => new WordPieceTrainer().AddWord("w", 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void WriteVocab_OneTokenPerLine_Utf8WithoutBom()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "out", "vocab.txt");
        WordPieceTrainer.WriteVocab(path, ["[PAD]", "é", "##x"]);
        var bytes = File.ReadAllBytes(path);
        Assert.That(bytes.Take(3), Is.Not.EqualTo(new byte[] { 0xEF, 0xBB, 0xBF }));
        Assert.That(Encoding.UTF8.GetString(bytes), Is.EqualTo("[PAD]\né\n##x\n"));
    }
}
