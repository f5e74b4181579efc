using EdgeBert.Text;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Training;

namespace EdgeBert.Trainer.Tests.Training;

public class MlmMaskerTests
{
    private static readonly WordPieceVocabulary Vocab = Tiny.Vocabulary;

    private static BertBatch RandomBatch(int size, int length, int seed)
    {
        var rng = new TrainingRandom((ulong)seed);
        var examples = Enumerable.Range(0, size).Select(i =>
        {
            int n = length - (i % 3);
            int[] ids = [Vocab.ClassifierId, .. Enumerable.Range(0, n - 2).Select(_ => rng.Next(5, Vocab.Count)), Vocab.SeparatorId];
            return new EncodedExample(ids, new int[n], -1);
        }).ToArray();
        return BertBatch.Collate(examples, Vocab.PaddingId!.Value);
    }

    [Test]
    public void Corruption_Is80PercentMask10Random10Kept_AndSpareSpecialAndPadding()
    {
        BertBatch batch = RandomBatch(64, 128, seed: 11);
        var masked = new MlmMasker(Vocab).Apply(batch, new TrainingRandom(5));
        int candidates = 0, chosen = 0, asMask = 0, kept = 0;
        for (int i = 0; i < batch.Ids.Length; i++)
        {
            bool special = batch.Keep[i] == 0 || batch.Ids[i] == Vocab.ClassifierId || batch.Ids[i] == Vocab.SeparatorId;
            if (special)
            {
                Assert.That(masked.Labels[i], Is.EqualTo(MlmMasker.IgnoreIndex), $"special/pad position {i} (seed 11)");
                Assert.That(masked.Ids[i], Is.EqualTo(batch.Ids[i]));
                continue;
            }

            candidates++;
            if (masked.Labels[i] == MlmMasker.IgnoreIndex)
            {
                Assert.That(masked.Ids[i], Is.EqualTo(batch.Ids[i]), "unchosen tokens are unchanged");
                continue;
            }

            chosen++;
            Assert.That(masked.Labels[i], Is.EqualTo(batch.Ids[i]));
            if (masked.Ids[i] == Vocab.MaskId) asMask++;
            else if (masked.Ids[i] == batch.Ids[i]) kept++;
        }

        Assert.That((double)chosen / candidates, Is.InRange(0.13, 0.17), "15% chosen (seed 11, 64×128)");
        Assert.That((double)asMask / chosen, Is.InRange(0.75, 0.85), "80% [MASK]");
        Assert.That((double)kept / chosen, Is.InRange(0.06, 0.15), "10% kept (plus random hits of the same id)");
    }

    [Test]
    public void WholeWord_MasksAllPiecesOfAWordTogether()
    {
        Vocab.TryGetId("c", out int c);
        Vocab.TryGetId("##l", out int l);
        Vocab.TryGetId("##i", out int i);
        Vocab.TryGetId("the", out int the);
        int[] ids = [Vocab.ClassifierId, .. Enumerable.Repeat(new[] { c, l, i, the }, 30).SelectMany(x => x), Vocab.SeparatorId];
        BertBatch batch = BertBatch.Collate([new EncodedExample(ids, new int[ids.Length], -1)], 0);
        var masked = new MlmMasker(Vocab, 0.3f, wholeWord: true).Apply(batch, new TrainingRandom(9));
        for (int w = 0; w < 30; w++)
        {
            int start = 1 + 4 * w;
            bool first = masked.Labels[start] != MlmMasker.IgnoreIndex;
            Assert.That(masked.Labels[start + 1] != MlmMasker.IgnoreIndex, Is.EqualTo(first), $"word {w}: ##l follows c");
            Assert.That(masked.Labels[start + 2] != MlmMasker.IgnoreIndex, Is.EqualTo(first), $"word {w}: ##i follows c");
        }
    }

    [Test]
    public void EverySequence_GetsAtLeastOnePrediction()
    {
        BertBatch batch = RandomBatch(50, 5, seed: 2);
        var masked = new MlmMasker(Vocab, 0.01f).Apply(batch, new TrainingRandom(1));
        for (int b = 0; b < batch.Size; b++)
        {
            Assert.That(masked.Labels.Skip(b * batch.Length).Take(batch.Length).Count(x => x != MlmMasker.IgnoreIndex), Is.GreaterThanOrEqualTo(1), $"sequence {b}");
        }

        (int[] rows, int[] labels) = MlmMasker.Targets(masked);
        Assert.That(rows.Select(r => batch.Ids[r]), Is.EqualTo(labels));
    }

    [Test]
    public void BadOptions_Throw()
    {
        Assert.That(() => new MlmMasker(Vocab, 0f), Throws.ArgumentException.With.Message.Contains("(0, 1]"));
        Assert.That(() => new MlmMasker(WordPieceVocabulary.FromLines(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "a"])), Throws.ArgumentException.With.Message.Contains("[MASK]"));
    }
}
