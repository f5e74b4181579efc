using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Model;

namespace EdgeBert.Trainer.Training;

/// <summary>Sequence classification fine-tuning: cross-entropy of the classifier logits.</summary>
public sealed class ClassificationTask : ITrainingTask
{
    private readonly IReadOnlyList<EncodedExample> dev;
    private readonly int batchSize;
    private readonly int padId;
    private readonly int classes;
    private readonly ShuffledEpochs epochs;

    /// <summary>A task over encoded examples; <paramref name="metric"/> is accuracy, f1 or mcc.</summary>
    /// <exception cref="ArgumentException">No training examples, fewer than 2 classes, or an unknown metric.</exception>
    public ClassificationTask(IReadOnlyList<EncodedExample> train, IReadOnlyList<EncodedExample> dev, int classes, int batchSize, long seed, int padId, string metric = "accuracy")
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
    public Tensor Loss(BertModel model, BertBatch batch, int epoch, int index)
    {
        ArgumentNullException.ThrowIfNull(model);
        Tensor logits = model.Forward(batch).Logits ?? throw new InvalidOperationException("finetune: the model has no classifier (no labels in its config).");
        return Ops.CrossEntropy(logits, batch.Labels);
    }

    /// <inheritdoc />
    public EvalResult Evaluate(BertModel model) => Score(model, dev, classes, batchSize, padId, Metric);

    /// <summary>Scores a model on examples: accuracy, f1, mcc and the mean loss.</summary>
    public static EvalResult Score(BertModel model, IReadOnlyList<EncodedExample> examples, int classes, int batchSize, int padId, string metric = "accuracy")
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

    /// <summary>Predicted and gold labels (in length-sorted order) and the mean loss, in eval mode without recording.</summary>
    public static (int[] Predicted, int[] Gold, double Loss) Predict(BertModel model, IReadOnlyList<EncodedExample> examples, int batchSize, int padId)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0) throw new ArgumentException("Nothing to evaluate: the data set is empty.");
        bool wasTraining = model.Training;
        model.Training = false;
        try
        {
            using var _ = Tape.NoGrad();
            var predicted = new List<int>(examples.Count);
            var gold = new List<int>(examples.Count);
            double lossSum = 0;
            foreach (BertBatch batch in BatchPlanner.Collate(examples, BatchPlanner.Plan(examples, batchSize, null), padId))
            {
                Tensor logits = model.Forward(batch).Logits ?? throw new InvalidOperationException("The model has no classifier (no labels in its config).");
                lossSum += Ops.CrossEntropy(logits, batch.Labels).Item() * batch.Size;
                int c = logits.Dim(-1);
                for (int b = 0; b < batch.Size; b++)
                {
                    ReadOnlySpan<float> row = logits.Data.AsSpan(b * c, c);
                    predicted.Add(System.Numerics.Tensors.TensorPrimitives.IndexOfMax(row));
                    gold.Add(batch.Labels[b]);
                }
            }

            return ([.. predicted], [.. gold], lossSum / examples.Count);
        }
        finally
        {
            model.Training = wasTraining;
        }
    }
}
