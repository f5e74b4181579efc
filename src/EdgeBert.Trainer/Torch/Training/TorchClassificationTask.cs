using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Training;
using static TorchSharp.torch;

namespace EdgeBert.Trainer.Torch.Training;

/// <summary>Sequence classification on LibTorch: cross-entropy of the classifier logits on shuffled length-planned batches.</summary>
public sealed class TorchClassificationTask : ITorchTrainingTask
{
    private readonly IReadOnlyList<EncodedExample> dev;
    private readonly int batchSize;
    private readonly int padId;
    private readonly int classes;
    private readonly ShuffledEpochs epochs;

    /// <summary>A task over encoded examples; <paramref name="metric"/> is accuracy, f1 or mcc.</summary>
    /// <exception cref="ArgumentException">No training examples, fewer than 2 classes, or an unknown metric.</exception>
    public TorchClassificationTask(IReadOnlyList<EncodedExample> train, IReadOnlyList<EncodedExample> dev, int classes, int batchSize, long seed, int padId, string metric = "accuracy")
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(dev);
        if (train.Count == 0) throw new ArgumentException("finetune: the training set is empty.");
        if (classes < 2) throw new ArgumentException($"finetune: need at least 2 classes, got {classes}.");
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (metric is not ("accuracy" or "f1" or "mcc")) throw new ArgumentException($"Unknown metric '{metric}'; use accuracy, f1 or mcc.");
        this.dev = dev;
        this.classes = classes;
        this.batchSize = batchSize;
        this.padId = padId;
        Metric = metric;
        epochs = new ShuffledEpochs(train, batchSize, seed, padId);
    }

    /// <inheritdoc />
    public int BatchesPerEpoch => epochs.BatchesPerEpoch;

    /// <inheritdoc />
    public string Metric { get; }

    /// <inheritdoc />
    public bool HasDev => dev.Count > 0;

    /// <inheritdoc />
    public IReadOnlyList<BertBatch> EpochBatches(int epoch) => epochs.For(epoch);

    /// <inheritdoc />
    public Tensor Loss(TorchBertModel model, BertBatch batch, int epoch, int index)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batch);
        return nn.functional.cross_entropy(Logits(model, batch), TorchTensors.Int64(batch.Labels, model.DeviceOf()));
    }

    /// <inheritdoc />
    public EvalResult Evaluate(TorchBertModel model) => Score(model, dev, classes, batchSize, padId, Metric);

    /// <summary>Scores a model on examples: accuracy, f1, mcc and the mean loss (eval mode, no autograd).</summary>
    public static EvalResult Score(TorchBertModel model, IReadOnlyList<EncodedExample> examples, int classes, int batchSize, int padId, string metric = "accuracy")
    {
        (int[] predicted, int[] gold, double loss) = Predict(model, examples, batchSize, padId);
        return Result(predicted, gold, loss, classes, metric);
    }

    /// <summary>The evaluation of predictions against gold labels: accuracy, f1, mcc and the given mean loss, ranked by <paramref name="metric"/>.</summary>
    public static EvalResult Result(int[] predicted, int[] gold, double loss, int classes, string metric)
    {
        ClassificationMetrics m = ClassificationMetrics.Compute(predicted, gold, classes);
        var values = new Dictionary<string, double>
        {
            ["accuracy"] = m.Accuracy,
            ["f1"] = m.F1,
            ["mcc"] = m.Mcc,
            ["loss"] = loss,
        };
        return new EvalResult(metric, m.Get(metric), values);
    }

    /// <summary>Predicted and gold labels (in length-sorted order) and the mean loss, in eval mode without autograd.</summary>
    public static (int[] Predicted, int[] Gold, double Loss) Predict(TorchBertModel model, IReadOnlyList<EncodedExample> examples, int batchSize, int padId)
    {
        var predicted = new List<int>(examples.Count);
        var gold = new List<int>(examples.Count);
        double lossSum = 0;
        foreach ((BertBatch batch, float[] logits) in BatchLogits(model, examples, batchSize, padId))
        {
            int c = logits.Length / batch.Size;
            using (var scope = NewDisposeScope())
            {
                lossSum += nn.functional.cross_entropy(tensor(logits, [batch.Size, c]), TorchTensors.Int64(batch.Labels, CPU)).item<float>() * batch.Size;
            }

            for (int b = 0; b < batch.Size; b++)
            {
                predicted.Add(System.Numerics.Tensors.TensorPrimitives.IndexOfMax(logits.AsSpan(b * c, c)));
                gold.Add(batch.Labels[b]);
            }
        }

        return ([.. predicted], [.. gold], lossSum / examples.Count);
    }

    /// <summary>
    /// The classifier logits of every example, batched by length (eval mode, no autograd): each
    /// batch with its logits [B·classes] on the CPU, in the order of
    /// <see cref="BatchPlanner.Plan"/> without a generator.
    /// </summary>
    /// <exception cref="ArgumentException">No examples.</exception>
    public static IEnumerable<(BertBatch Batch, float[] Logits)> BatchLogits(TorchBertModel model, IReadOnlyList<EncodedExample> examples, int batchSize, int padId)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0) throw new ArgumentException("Nothing to evaluate: the data set is empty.");
        return TorchEvalMode.Run(model, () =>
        {
            var result = new List<(BertBatch, float[])>();
            foreach (BertBatch batch in BatchPlanner.Collate(examples, BatchPlanner.Plan(examples, batchSize, null), padId))
            {
                using var scope = NewDisposeScope();
                result.Add((batch, TorchTensors.ToFloats(Logits(model, batch))));
            }

            return result;
        });
    }

    private static Tensor Logits(TorchBertModel model, BertBatch batch) =>
        model.Forward(batch).Logits ?? throw new InvalidOperationException("The model has no classifier (no labels in its config).");
}
