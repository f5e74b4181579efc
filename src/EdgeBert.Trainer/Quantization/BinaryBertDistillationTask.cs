using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Distillation;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Training;

namespace EdgeBert.Trainer.Quantization;

/// <summary>Which loss a <see cref="BinaryBertDistillationTask"/> trains with.</summary>
public enum KdStage
{
    /// <summary>DynaBERT's width distillation: Σ hidden-state MSE + logit SCE (no attention term: the teacher has more heads).</summary>
    Width,

    /// <summary>BinaryBERT stage A: Σ hidden-state MSE (embedding output included) + Σ attention-score MSE.</summary>
    Intermediate,

    /// <summary>BinaryBERT stage B: logit soft cross-entropy only, averaged over classes.</summary>
    Prediction,
}

/// <summary>
/// BinaryBERT's two-stage knowledge distillation (METHODS.md §2.4) as an <see cref="ITrainingTask"/>,
/// one stage per task: stage A (<see cref="KdStage.Intermediate"/>) matches every hidden state and
/// every layer's pre-softmax scores QKᵀ/√d (padding zeroed on both sides, as
/// <see cref="DistillationLoss"/>); stage B (<see cref="KdStage.Prediction"/>) only the logits,
/// SCE(z_s, softmax(z_t)) / classes (T = 1). There is no label loss. The teacher runs in eval
/// mode (no dropout; the official code leaves the teacher's dropout on, a quirk we do not copy).
/// </summary>
public sealed class BinaryBertDistillationTask : ITrainingTask
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

    /// <summary>A task distilling <paramref name="teacher"/> with the loss of <paramref name="stage"/>.</summary>
    /// <exception cref="ArgumentException">No training examples, a teacher without a classifier, or a bad batch size.</exception>
    public BinaryBertDistillationTask(BertModel teacher, KdStage stage, IReadOnlyList<EncodedExample> train, IReadOnlyList<EncodedExample> dev,
        int batchSize, long seed, int padId, string metric = "accuracy")
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(dev);
        if (train.Count == 0) throw new ArgumentException("binarybert: the training set is empty.");
        if (teacher.Classifier is null) throw new ArgumentException("binarybert: the teacher has no classifier (no labels in its config).");
        if (!Enum.IsDefined(stage)) throw new ArgumentOutOfRangeException(nameof(stage));
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        this.teacher = teacher;
        this.train = train;
        this.dev = dev;
        this.batchSize = batchSize;
        this.seed = seed;
        this.padId = padId;
        Stage = stage;
        classes = teacher.Config.Labels.Count;
        Metric = metric;
        BatchesPerEpoch = (train.Count + batchSize - 1) / batchSize;
    }

    /// <summary>The loss this task trains with.</summary>
    public KdStage Stage { get; }

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
    /// <exception cref="ArgumentException">Student and teacher outputs differ in shape.</exception>
    public Tensor Loss(BertModel model, BertBatch batch, int epoch, int index)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batch);
        BertOutput t = TeacherForward(batch);
        BertOutput s = model.Forward(batch);
        return Compute(Stage, s, t, batch);
    }

    /// <summary>The loss of <paramref name="stage"/> between a student and a teacher forward on the same batch.</summary>
    /// <exception cref="ArgumentException">The outputs differ in depth or shape, or a model has no logits.</exception>
    public static Tensor Compute(KdStage stage, BertOutput student, BertOutput teacher, BertBatch batch)
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(batch);
        Tensor loss = Tensor.Scalar(0f);
        if (stage is KdStage.Width or KdStage.Intermediate) loss = Ops.Add(loss, HiddenLoss(student, teacher, batch));
        if (stage is KdStage.Intermediate) loss = Ops.Add(loss, AttentionLoss(student, teacher, batch));
        if (stage is KdStage.Width or KdStage.Prediction)
        {
            Tensor sce = LogitLoss(student, teacher);
            // Stage B averages the SCE over classes too (1/num_labels of TernaryBERT's SCE).
            loss = Ops.Add(loss, stage == KdStage.Prediction ? Ops.Scale(sce, 1f / student.Logits!.Dim(-1)) : sce);
        }
        return loss;
    }

    private static Tensor HiddenLoss(BertOutput student, BertOutput teacher, BertBatch batch)
    {
        if (student.HiddenStates.Count != teacher.HiddenStates.Count)
            throw new ArgumentException($"binarybert: the student has {student.HiddenStates.Count - 1} layers and the teacher {teacher.HiddenStates.Count - 1}; they must match.");
        Tensor loss = Tensor.Scalar(0f);
        Tensor? mask = null;
        for (int l = 0; l < student.HiddenStates.Count; l++)
        {
            Tensor hs = student.HiddenStates[l], ht = teacher.HiddenStates[l];
            if (!hs.Shape.SequenceEqual(ht.Shape)) throw new ArgumentException($"binarybert: hidden state {l} is {hs} in the student and {ht} in the teacher.");
            mask ??= DistillationLoss.TokenMask(batch, hs.Dim(-1));
            loss = Ops.Add(loss, Ops.Mse(Ops.Mul(hs, mask), Ops.Mul(ht, mask)));
        }
        return loss;
    }

    private static Tensor AttentionLoss(BertOutput student, BertOutput teacher, BertBatch batch)
    {
        Tensor loss = Tensor.Scalar(0f);
        Tensor? mask = null;
        for (int l = 0; l < student.AttentionScores.Count; l++)
        {
            Tensor ss = student.AttentionScores[l], st = teacher.AttentionScores[l];
            if (!ss.Shape.SequenceEqual(st.Shape))
                throw new ArgumentException($"binarybert: attention scores {l} are {ss} in the student and {st} in the teacher (stage A needs the same heads).");
            mask ??= DistillationLoss.PairMask(batch, ss.Dim(1));
            loss = Ops.Add(loss, Ops.Mse(Ops.Mul(ss, mask), Ops.Mul(st, mask)));
        }
        return loss;
    }

    private static Tensor LogitLoss(BertOutput student, BertOutput teacher)
    {
        Tensor sLogits = student.Logits ?? throw new ArgumentException("binarybert: the student has no classifier.");
        Tensor tLogits = teacher.Logits ?? throw new ArgumentException("binarybert: the teacher has no classifier.");
        if (!sLogits.Shape.SequenceEqual(tLogits.Shape))
            throw new ArgumentException($"binarybert: student logits {sLogits} and teacher logits {tLogits} differ in shape.");
        Tensor probabilities;
        using (Tape.NoGrad()) probabilities = Ops.Softmax(tLogits.Detach());
        return Ops.SoftCrossEntropy(sLogits, probabilities);
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
