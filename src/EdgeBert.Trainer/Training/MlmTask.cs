using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Model;

namespace EdgeBert.Trainer.Training;

/// <summary>
/// Masked-language-model pretraining. The masks of a batch come from a generator derived from
/// (seed, epoch, batch), so they need no checkpointed state; dev masks are fixed by the seed.
/// The ranking score is the negative dev loss.
/// </summary>
public sealed class MlmTask : ITrainingTask
{
    private readonly IReadOnlyList<EncodedExample> dev;
    private readonly MlmMasker masker;
    private readonly int batchSize;
    private readonly long seed;
    private readonly int padId;
    private readonly ShuffledEpochs epochs;

    /// <summary>A task over packed sequences.</summary>
    /// <exception cref="ArgumentException">No training sequences.</exception>
    public MlmTask(IReadOnlyList<EncodedExample> train, IReadOnlyList<EncodedExample> dev, MlmMasker masker, int batchSize, long seed, int padId)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(dev);
        ArgumentNullException.ThrowIfNull(masker);
        if (train.Count == 0) throw new ArgumentException("pretrain: the corpus gave no training sequences.");
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        this.dev = dev;
        this.masker = masker;
        this.batchSize = batchSize;
        this.seed = seed;
        this.padId = padId;
        epochs = new ShuffledEpochs(train, batchSize, seed, padId);
    }

    /// <inheritdoc />
    public int BatchesPerEpoch => epochs.BatchesPerEpoch;

    /// <inheritdoc />
    public string Metric => "neg_loss";

    /// <inheritdoc />
    public bool HasDev => dev.Count > 0;

    /// <inheritdoc />
    public IReadOnlyList<BertBatch> EpochBatches(int epoch) => epochs.For(epoch);

    /// <inheritdoc />
    public Tensor Loss(BertModel model, BertBatch batch, int epoch, int index) =>
        MaskedLoss(model, masker.Apply(batch, TrainingRandom.Derive(seed, epoch, index, 1)));

    /// <summary>Cross-entropy of the MLM head at the labelled positions of a masked batch.</summary>
    public static Tensor MaskedLoss(BertModel model, BertBatch masked)
    {
        ArgumentNullException.ThrowIfNull(model);
        (int[] rows, int[] labels) = MlmMasker.Targets(masked);
        BertOutput output = model.Forward(masked);
        return Ops.CrossEntropy(model.Mlm.Forward(output.Sequence, rows), labels);
    }

    /// <inheritdoc />
    public EvalResult Evaluate(BertModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        bool wasTraining = model.Training;
        model.Training = false;
        try
        {
            using var _ = Tape.NoGrad();
            double lossSum = 0;
            long correct = 0, predicted = 0;
            int i = 0;
            foreach (BertBatch batch in BatchPlanner.Collate(dev, BatchPlanner.Plan(dev, batchSize, null), padId))
            {
                BertBatch masked = masker.Apply(batch, TrainingRandom.Derive(seed, -1, i++, 1));
                (int[] rows, int[] labels) = MlmMasker.Targets(masked);
                Tensor logits = model.Mlm.Forward(model.Forward(masked).Sequence, rows);
                lossSum += Ops.CrossEntropy(logits, labels).Item() * labels.Length;
                int v = logits.Dim(-1);
                for (int r = 0; r < labels.Length; r++)
                {
                    if (System.Numerics.Tensors.TensorPrimitives.IndexOfMax(logits.Data.AsSpan(r * v, v)) == labels[r]) correct++;
                }

                predicted += labels.Length;
            }

            double loss = predicted == 0 ? 0 : lossSum / predicted;
            var values = new Dictionary<string, double> { ["loss"] = loss, ["mlm_accuracy"] = predicted == 0 ? 0 : (double)correct / predicted };
            return new EvalResult(Metric, -loss, values);
        }
        finally
        {
            model.Training = wasTraining;
        }
    }
}
