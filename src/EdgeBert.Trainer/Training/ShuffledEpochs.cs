using EdgeBert.Trainer.Model;

namespace EdgeBert.Trainer.Training;

/// <summary>
/// The batches of one epoch of a training set, shuffled with a seed derived from the run's seed and
/// the epoch number (<see cref="BatchPlanner"/>), collated once and kept until another epoch is asked
/// for: what every training task's <c>EpochBatches</c> returns.
/// </summary>
internal sealed class ShuffledEpochs(IReadOnlyList<EncodedExample> train, int batchSize, long seed, int padId)
{
    private int cachedEpoch = -1;
    private IReadOnlyList<BertBatch> cached = [];

    /// <summary>Batches per epoch (the last one may be short).</summary>
    public int BatchesPerEpoch { get; } = (train.Count + batchSize - 1) / batchSize;

    /// <summary>The batches of <paramref name="epoch"/>.</summary>
    public IReadOnlyList<BertBatch> For(int epoch)
    {
        if (epoch != cachedEpoch)
        {
            cached = BatchPlanner.Collate(train, BatchPlanner.Plan(train, batchSize, TrainingRandom.Derive(seed, epoch)), padId);
            cachedEpoch = epoch;
        }
        return cached;
    }
}
