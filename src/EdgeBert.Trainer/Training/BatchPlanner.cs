using EdgeBert.Trainer.Model;

namespace EdgeBert.Trainer.Training;

/// <summary>
/// Groups examples into batches. Training uses sort-by-length bucketing: shuffle, sort pools of
/// 32 batches by length (so a batch pads little), cut, then shuffle the batch order. Evaluation
/// sorts everything by length. Same generator state → same plan.
/// </summary>
public static class BatchPlanner
{
    /// <summary>Batches per pool sorted together when bucketing.</summary>
    public const int PoolBatches = 32;

    /// <summary>Index lists of the batches; shuffled and bucketed when <paramref name="rng"/> is given, otherwise sorted by length.</summary>
    /// <exception cref="ArgumentOutOfRangeException">batchSize is less than 1.</exception>
    public static List<int[]> Plan(IReadOnlyList<EncodedExample> examples, int batchSize, Random? rng)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        int[] order = Enumerable.Range(0, examples.Count).ToArray();
        var batches = new List<int[]>();
        if (rng is null)
        {
            order = [.. order.OrderBy(i => examples[i].Ids.Length)];
            batches.AddRange(order.Chunk(batchSize));
            return batches;
        }

        rng.Shuffle(order);
        foreach (int[] pool in order.Chunk(batchSize * PoolBatches))
        {
            batches.AddRange(pool.OrderBy(i => examples[i].Ids.Length).Chunk(batchSize));
        }

        int[][] shuffled = [.. batches];
        rng.Shuffle(shuffled);
        return [.. shuffled];
    }

    /// <summary>Collated batches for <paramref name="plan"/>.</summary>
    public static List<BertBatch> Collate(IReadOnlyList<EncodedExample> examples, IEnumerable<int[]> plan, int padId) =>
        plan.Select(indices => BertBatch.Collate(indices.Select(i => examples[i]).ToArray(), padId)).ToList();
}
