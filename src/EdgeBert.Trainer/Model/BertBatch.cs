namespace EdgeBert.Trainer.Model;

/// <summary>
/// A padded batch: <see cref="Size"/> sequences of <see cref="Length"/> tokens (the longest in
/// the batch), row-major. <see cref="Keep"/> is 1 for real tokens and 0 for padding.
/// </summary>
/// <param name="Size">Sequences B.</param>
/// <param name="Length">Tokens per sequence L.</param>
/// <param name="Ids">Token ids [B·L].</param>
/// <param name="TypeIds">Token type ids [B·L].</param>
/// <param name="Keep">Attention mask [B·L], 1 or 0.</param>
/// <param name="Labels">Class labels [B] for classification, MLM labels [B·L] (−100 = not predicted), or empty.</param>
public sealed record BertBatch(int Size, int Length, int[] Ids, int[] TypeIds, int[] Keep, int[] Labels)
{
    /// <summary>Real (non-padding) tokens in the batch.</summary>
    public int TokenCount => Keep.Sum();

    /// <summary>Pads <paramref name="examples"/> to the longest one with <paramref name="padId"/>.</summary>
    /// <exception cref="ArgumentException">No examples, an empty sequence, or mismatched id and type id lengths.</exception>
    public static BertBatch Collate(IReadOnlyList<EncodedExample> examples, int padId)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0) throw new ArgumentException("A batch needs at least one example.", nameof(examples));
        int length = 0;
        foreach (EncodedExample e in examples)
        {
            if (e.Ids.Length == 0 || e.Ids.Length != e.TypeIds.Length)
            {
                throw new ArgumentException($"An encoded example has {e.Ids.Length} ids and {e.TypeIds.Length} type ids.", nameof(examples));
            }

            length = Math.Max(length, e.Ids.Length);
        }

        int b = examples.Count;
        var ids = new int[b * length];
        var types = new int[b * length];
        var keep = new int[b * length];
        var labels = new int[b];
        Array.Fill(ids, padId);
        for (int i = 0; i < b; i++)
        {
            EncodedExample e = examples[i];
            e.Ids.CopyTo(ids, i * length);
            e.TypeIds.CopyTo(types, i * length);
            keep.AsSpan(i * length, e.Ids.Length).Fill(1);
            labels[i] = e.Label;
        }

        return new BertBatch(b, length, ids, types, keep, labels);
    }
}

/// <summary>One tokenized example.</summary>
/// <param name="Ids">Token ids with [CLS] and [SEP].</param>
/// <param name="TypeIds">Token type ids.</param>
/// <param name="Label">Class index, or −1 when unlabelled.</param>
public sealed record EncodedExample(int[] Ids, int[] TypeIds, int Label);
