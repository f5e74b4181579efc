using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Training;

namespace EdgeBert.Trainer.Distillation;

/// <summary>
/// BiBERT's one-stage distillation (METHODS.md §3.3–3.6) as an <see cref="ITrainingTask"/>: the
/// student (BiBERT hooks installed) is trained on <see cref="DirectionMatchingLoss"/> against an FP32
/// teacher of the same depth and width, which runs in eval mode without recording. The dev metric
/// is the student's (quantized) classification score.
/// </summary>
public sealed class DirectionMatchingTask : ITrainingTask
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
    public DirectionMatchingTask(BertModel teacher, IReadOnlyList<EncodedExample> train, IReadOnlyList<EncodedExample> dev, int batchSize, long seed, int padId, string metric = "accuracy")
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(dev);
        if (train.Count == 0) throw new ArgumentException("bibert distill: the training set is empty.");
        if (teacher.Classifier is null) throw new ArgumentException("bibert distill: the teacher has no classifier (no labels in its config).");
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
        return DirectionMatchingLoss.Compute(s, t, batch);
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
