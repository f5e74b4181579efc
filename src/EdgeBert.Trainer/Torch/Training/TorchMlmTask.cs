using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Training;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Torch.Training;

/// <summary>
/// Masked-language-model pretraining on LibTorch (shuffled batches; masks drawn by <see cref="MlmMasker"/> from a generator derived from
/// (seed, epoch, batch), so they need no checkpointed state). The ranking score is the negative dev loss.
/// </summary>
public sealed class TorchMlmTask : ITorchTrainingTask
{
    private readonly IReadOnlyList<EncodedExample> dev;
    private readonly MlmMasker masker;
    private readonly int batchSize;
    private readonly long seed;
    private readonly int padId;
    private readonly ShuffledEpochs epochs;

    /// <summary>A task over packed sequences.</summary>
    /// <exception cref="ArgumentException">No training sequences.</exception>
    public TorchMlmTask(IReadOnlyList<EncodedExample> train, IReadOnlyList<EncodedExample> dev, MlmMasker masker, int batchSize, long seed, int padId)
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
    public Tensor Loss(TorchBertModel model, BertBatch batch, int epoch, int index)
    {
        ArgumentNullException.ThrowIfNull(model);
        (Tensor logits, Tensor labels) = MaskedLogits(model, masker.Apply(batch, TrainingRandom.Derive(seed, epoch, index, 1)));
        return nn.functional.cross_entropy(logits, labels);
    }

    /// <inheritdoc />
    public EvalResult Evaluate(TorchBertModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return TorchEvalMode.Run(model, () =>
        {
            double lossSum = 0;
            long correct = 0, predicted = 0;
            int i = 0;
            foreach (BertBatch batch in BatchPlanner.Collate(dev, BatchPlanner.Plan(dev, batchSize, null), padId))
            {
                using var scope = NewDisposeScope();
                (Tensor logits, Tensor labels) = MaskedLogits(model, masker.Apply(batch, TrainingRandom.Derive(seed, -1, i++, 1)));
                long n = labels.shape[0];
                lossSum += nn.functional.cross_entropy(logits, labels).item<float>() * n;
                correct += logits.argmax(-1).eq(labels).sum().item<long>();
                predicted += n;
            }

            double loss = predicted == 0 ? 0 : lossSum / predicted;
            var values = new Dictionary<string, double> { ["loss"] = loss, ["mlm_accuracy"] = predicted == 0 ? 0 : (double)correct / predicted };
            return new EvalResult(Metric, -loss, values);
        });
    }

    /// <summary>The MLM head's logits [n, V] at the labelled positions of a masked batch, and the labels [n].</summary>
    private static (Tensor Logits, Tensor Labels) MaskedLogits(TorchBertModel model, BertBatch masked)
    {
        (int[] rows, int[] labels) = MlmMasker.Targets(masked);
        TorchBertOutput output = model.Forward(masked);
        return (model.Mlm.forward(output.Hidden, TorchTensors.Int64(rows, model.DeviceOf())), TorchTensors.Int64(labels, model.DeviceOf()));
    }
}
