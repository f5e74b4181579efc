using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Training;

namespace EdgeBert.Trainer.Distillation;

/// <summary>
/// What every distillation objective shares as an <see cref="ITrainingTask"/>: the training batches
/// (shuffled per epoch with the seed), a teacher forward in eval mode without recording on the same
/// batch, the student's forward, and dev scoring of the student's classification. Subclasses name
/// the loss between the two outputs (TernaryBERT's, BiBERT's direction matching, BinaryBERT's stages).
/// </summary>
public abstract class TeacherStudentTask : ITrainingTask
{
    private readonly BertModel teacher;
    private readonly IReadOnlyList<EncodedExample> dev;
    private readonly int batchSize;
    private readonly int padId;
    private readonly int classes;
    private readonly ShuffledEpochs epochs;

    /// <summary>A task distilling <paramref name="teacher"/> on <paramref name="train"/>, scored on <paramref name="dev"/>.</summary>
    /// <param name="name">How error messages name the method (e.g. <c>distill</c>, <c>binarybert</c>).</param>
    /// <param name="teacher">The FP32 teacher (it needs a classifier).</param>
    /// <param name="train">Training examples.</param>
    /// <param name="dev">Dev examples (may be empty).</param>
    /// <param name="batchSize">Sequences per update.</param>
    /// <param name="seed">Seed of the per-epoch shuffle.</param>
    /// <param name="padId">Padding token id.</param>
    /// <param name="metric">Dev metric that picks the best checkpoint.</param>
    /// <exception cref="ArgumentException">No training examples, a teacher without a classifier, or a bad batch size.</exception>
    protected TeacherStudentTask(string name, BertModel teacher, IReadOnlyList<EncodedExample> train, IReadOnlyList<EncodedExample> dev, int batchSize, long seed, int padId, string metric)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(dev);
        if (train.Count == 0) throw new ArgumentException($"{name}: the training set is empty.");
        if (teacher.Classifier is null) throw new ArgumentException($"{name}: the teacher has no classifier (no labels in its config).");
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        this.teacher = teacher;
        this.dev = dev;
        this.batchSize = batchSize;
        this.padId = padId;
        classes = teacher.Config.Labels.Count;
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
    /// <exception cref="ArgumentException">Student and teacher outputs differ in depth or shape.</exception>
    public Tensor Loss(BertModel model, BertBatch batch, int epoch, int index)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batch);
        BertOutput t = TeacherForward(batch);
        BertOutput s = model.Forward(batch);
        return Loss(s, t, batch);
    }

    /// <summary>The objective between the student's and the teacher's outputs on <paramref name="batch"/>.</summary>
    protected abstract Tensor Loss(BertOutput student, BertOutput teacher, BertBatch batch);

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
