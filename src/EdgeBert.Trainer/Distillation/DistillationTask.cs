using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Training;

namespace EdgeBert.Trainer.Distillation;

/// <summary>
/// TernaryBERT's distillation objective (METHODS.md §1.4) as an <see cref="ITrainingTask"/>:
/// Σ MSE of every hidden state (embedding output included) + Σ MSE of every layer's pre-softmax
/// attention scores + soft cross-entropy of the student's logits against the teacher's softmax.
/// Padding is zeroed on both sides before the MSEs (query and key rows of padding tokens in the
/// scores, padding tokens in the hidden states), so it contributes nothing.
/// The teacher runs in eval mode without recording; student and teacher must have the same depth and width.
/// </summary>
public sealed class DistillationTask : ITrainingTask
{
    private readonly BertModel teacher;
    private readonly IReadOnlyList<EncodedExample> train;
    private readonly IReadOnlyList<EncodedExample> dev;
    private readonly int batchSize;
    private readonly long seed;
    private readonly int padId;
    private readonly int classes;
    private int cachedEpoch = -1;
    private IReadOnlyList<BertBatch> cached = [];

    /// <summary>A task distilling <paramref name="teacher"/> on <paramref name="train"/>, scored on <paramref name="dev"/>.</summary>
    /// <exception cref="ArgumentException">No training examples, a teacher without a classifier, or a bad batch size.</exception>
    public DistillationTask(BertModel teacher, IReadOnlyList<EncodedExample> train, IReadOnlyList<EncodedExample> dev, int batchSize, long seed, int padId, string metric = "accuracy")
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(dev);
        if (train.Count == 0) throw new ArgumentException("distill: the training set is empty.");
        if (teacher.Classifier is null) throw new ArgumentException("distill: the teacher has no classifier (no labels in its config).");
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        this.teacher = teacher;
        this.train = train;
        this.dev = dev;
        this.batchSize = batchSize;
        this.seed = seed;
        this.padId = padId;
        classes = teacher.Config.Labels.Count;
        Metric = metric;
        BatchesPerEpoch = (train.Count + batchSize - 1) / batchSize;
    }

    /// <inheritdoc />
    public int BatchesPerEpoch { get; }

    /// <inheritdoc />
    public string Metric { get; }

    /// <inheritdoc />
    public bool HasDev => dev.Count > 0;

    /// <inheritdoc />
    public IReadOnlyList<BertBatch> EpochBatches(int epoch)
    {
        if (epoch != cachedEpoch)
        {
            cached = BatchPlanner.Collate(train, BatchPlanner.Plan(train, batchSize, TrainingRandom.Derive(seed, epoch)), padId);
            cachedEpoch = epoch;
        }
        return cached;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">Student and teacher differ in depth, width or labels.</exception>
    public Tensor Loss(BertModel model, BertBatch batch, int epoch, int index)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batch);
        BertOutput t = TeacherForward(batch);
        BertOutput s = model.Forward(batch);
        return DistillationLoss.Compute(s, t, batch);
    }

    /// <inheritdoc />
    public EvalResult Evaluate(BertModel model) => ClassificationTask.Score(model, dev, classes, batchSize, padId, Metric);

    private BertOutput TeacherForward(BertBatch batch)
    {
        bool wasTraining = teacher.Training;
        teacher.Training = false;
        try
        {
            using var _ = Tape.NoGrad();
            return teacher.Forward(batch);
        }
        finally
        {
            teacher.Training = wasTraining;
        }
    }
}
