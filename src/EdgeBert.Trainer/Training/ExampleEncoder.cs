using EdgeBert.Text;
using EdgeBert.Trainer.Data;
using EdgeBert.Trainer.Model;

namespace EdgeBert.Trainer.Training;

/// <summary>Tokenizes task examples and corpora with the Core <see cref="BertTokenizer"/>.</summary>
public static class ExampleEncoder
{
    /// <summary>A tokenizer matching <paramref name="config"/> (casing, truncation to its sequence length).</summary>
    public static BertTokenizer Tokenizer(WordPieceVocabulary vocabulary, BertConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new BertTokenizer(vocabulary, new BertTokenizerOptions { Lowercase = config.Lowercase, MaxLength = config.MaxSequenceLength });
    }

    /// <summary>
    /// Encodes labelled examples; labels map to their index in <paramref name="labels"/>. A text
    /// longer than the tokenizer's length is cut to its first tokens, or with
    /// <paramref name="windows"/> becomes one example per runtime window
    /// (<see cref="BertTokenizer.EncodeWindows"/>), each with the text's label (sentence pairs are always cut).
    /// </summary>
    /// <exception cref="ArgumentException">An example's label is not one of <paramref name="labels"/>.</exception>
    public static List<EncodedExample> Encode(IEnumerable<LabeledExample> examples, BertTokenizer tokenizer, IReadOnlyList<string> labels,
        bool windows = false)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(labels);
        var index = labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i, StringComparer.Ordinal);
        var encoded = new List<EncodedExample>();
        int n = 0;
        foreach (LabeledExample e in examples)
        {
            n++;
            if (!index.TryGetValue(e.Label, out int label))
            {
                throw new ArgumentException($"example {n}: label '{e.Label}' is not one of the model's labels ({string.Join(", ", labels)}).");
            }

            if (windows && e.TextPair is null)
            {
                foreach (int[] ids in tokenizer.EncodeWindows(e.Text)) encoded.Add(new EncodedExample(ids, new int[ids.Length], label));
                continue;
            }
            BertEncoding enc = tokenizer.Encode(e.Text, e.TextPair);
            encoded.Add(new EncodedExample(enc.Ids.ToArray(), enc.TypeIds.ToArray(), label));
        }

        return encoded;
    }

    /// <summary>The distinct labels of <paramref name="examples"/> in sorted (ordinal) order, e.g. ham, spam.</summary>
    public static string[] Labels(IEnumerable<LabeledExample> examples) =>
        [.. examples.Select(e => e.Label).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>
    /// Packs a corpus into [CLS] … [SEP] sequences of at most <paramref name="maxLength"/> tokens:
    /// text units are tokenized and concatenated, so little of each sequence is padding.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">maxLength is less than 3.</exception>
    public static List<EncodedExample> PackCorpus(IEnumerable<string> texts, BertTokenizer tokenizer, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 3);
        int cls = tokenizer.Vocabulary.ClassifierId, sep = tokenizer.Vocabulary.SeparatorId;
        var sequences = new List<EncodedExample>();
        var current = new List<int>(maxLength) { cls };
        void Flush()
        {
            if (current.Count <= 1) return;
            current.Add(sep);
            sequences.Add(new EncodedExample([.. current], new int[current.Count], -1));
            current.Clear();
            current.Add(cls);
        }

        foreach (string text in texts)
        {
            // Tokenize without special tokens or truncation: the packing does both.
            foreach (string piece in tokenizer.Tokenize(text))
            {
                tokenizer.Vocabulary.TryGetId(piece, out int id);
                current.Add(id);
                if (current.Count == maxLength - 1) Flush();
            }
        }

        Flush();
        return sequences;
    }
}
