using EdgeBert.Text;
using EdgeBert.Trainer.Model;

namespace EdgeBert.Trainer.Training;

/// <summary>
/// BERT's masked-LM corruption: each real, non-special token (or whole word, with
/// <see cref="WholeWord"/>: a token and its <c>##</c> continuations) is chosen with
/// probability <see cref="Probability"/>; a chosen token becomes [MASK] 80% of the time, a random
/// vocabulary token 10% and stays 10%. Every sequence gets at least one prediction so no batch
/// has an empty loss.
/// </summary>
public sealed class MlmMasker
{
    /// <summary>The label of a position the MLM loss skips (PyTorch's <c>ignore_index</c> default).</summary>
    public const int IgnoreIndex = -100;

    private readonly bool[] special;
    private readonly bool[] continuation;
    private readonly int maskId;

    /// <summary>A masker over <paramref name="vocabulary"/>, which must contain [MASK].</summary>
    /// <exception cref="ArgumentException">No [MASK] token, or the probability is outside (0, 1].</exception>
    public MlmMasker(WordPieceVocabulary vocabulary, float probability = 0.15f, bool wholeWord = false)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        if (!(probability > 0f && probability <= 1f)) throw new ArgumentException($"MLM: the masking probability {probability} must lie in (0, 1].");
        maskId = vocabulary.MaskId ?? throw new ArgumentException($"MLM: the vocabulary has no {WordPieceVocabulary.MaskToken} token.");
        Probability = probability;
        WholeWord = wholeWord;
        VocabSize = vocabulary.Count;
        special = new bool[vocabulary.Count];
        continuation = new bool[vocabulary.Count];
        for (int id = 0; id < vocabulary.Count; id++)
        {
            string token = vocabulary.IdToToken(id);
            special[id] = token.Length > 2 && token[0] == '[' && token[^1] == ']';
            continuation[id] = token.StartsWith(WordPieceVocabulary.ContinuationPrefix, StringComparison.Ordinal);
        }
    }

    /// <summary>The chance a token (or word) is chosen.</summary>
    public float Probability { get; }

    /// <summary>Whether a word's pieces are chosen together.</summary>
    public bool WholeWord { get; }

    /// <summary>Vocabulary size (range of random replacements).</summary>
    public int VocabSize { get; }

    /// <summary>The corrupted batch; its <see cref="BertBatch.Labels"/> are [B·L] original ids at chosen positions and −100 elsewhere.</summary>
    public BertBatch Apply(BertBatch batch, Random rng)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(rng);
        int[] ids = (int[])batch.Ids.Clone();
        var labels = new int[ids.Length];
        Array.Fill(labels, IgnoreIndex);
        var chosen = new List<int>();
        var word = new List<int>();
        for (int b = 0; b < batch.Size; b++)
        {
            chosen.Clear();
            int start = b * batch.Length;
            int candidates = 0, firstCandidate = -1;
            for (int i = start; i < start + batch.Length; i++)
            {
                if (!IsCandidate(batch, i)) continue;
                candidates++;
                if (firstCandidate < 0) firstCandidate = i;
                // A word starts at a candidate that is not a continuation (or any candidate without whole-word masking).
                if (WholeWord && continuation[batch.Ids[i]] && word.Count > 0)
                {
                    word.Add(i);
                    continue;
                }

                FlushWord(word, chosen, rng);
                word.Add(i);
            }

            FlushWord(word, chosen, rng);
            if (candidates > 0 && chosen.Count == 0)
            {
                // Force one prediction: draw a random candidate position.
                int pick = rng.Next(candidates);
                for (int i = start; i < start + batch.Length; i++)
                {
                    if (IsCandidate(batch, i) && pick-- == 0)
                    {
                        chosen.Add(i);
                        break;
                    }
                }
            }

            foreach (int i in chosen)
            {
                labels[i] = batch.Ids[i];
                double r = rng.NextDouble();
                if (r < 0.8) ids[i] = maskId;
                else if (r < 0.9) ids[i] = rng.Next(VocabSize);
            }
        }

        return batch with { Ids = ids, Labels = labels };
    }

    /// <summary>The flattened positions with a label and those labels, for the MLM head and the loss.</summary>
    public static (int[] Rows, int[] Labels) Targets(BertBatch masked)
    {
        ArgumentNullException.ThrowIfNull(masked);
        var rows = new List<int>();
        var labels = new List<int>();
        for (int i = 0; i < masked.Labels.Length; i++)
        {
            if (masked.Labels[i] == IgnoreIndex) continue;
            rows.Add(i);
            labels.Add(masked.Labels[i]);
        }

        return (rows.ToArray(), labels.ToArray());
    }

    private bool IsCandidate(BertBatch batch, int i) => batch.Keep[i] == 1 && !special[batch.Ids[i]];

    private void FlushWord(List<int> word, List<int> chosen, Random rng)
    {
        if (word.Count == 0) return;
        if (rng.NextDouble() < Probability) chosen.AddRange(word);
        word.Clear();
    }
}
