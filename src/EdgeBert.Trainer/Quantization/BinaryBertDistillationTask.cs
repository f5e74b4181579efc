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
public sealed class BinaryBertDistillationTask : TeacherStudentTask
{
    /// <summary>A task distilling <paramref name="teacher"/> with the loss of <paramref name="stage"/>.</summary>
    /// <exception cref="ArgumentException">No training examples, a teacher without a classifier, or a bad batch size.</exception>
    public BinaryBertDistillationTask(BertModel teacher, KdStage stage, IReadOnlyList<EncodedExample> train, IReadOnlyList<EncodedExample> dev,
        int batchSize, long seed, int padId, string metric = "accuracy")
        : base("binarybert", teacher, train, dev, batchSize, seed, padId, metric)
    {
        if (!Enum.IsDefined(stage)) throw new ArgumentOutOfRangeException(nameof(stage));
        Stage = stage;
    }

    /// <summary>The loss this task trains with.</summary>
    public KdStage Stage { get; }

    /// <inheritdoc />
    protected override Tensor Loss(BertOutput student, BertOutput teacher, BertBatch batch) => Compute(Stage, student, teacher, batch);

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

    // Each term is summed from zero on its own and then added, the order the recipe was trained with.
    private static Tensor HiddenLoss(BertOutput student, BertOutput teacher, BertBatch batch) =>
        DistillationLoss.AddHiddenMse(Tensor.Scalar(0f), student, teacher, batch, "binarybert");

    private static Tensor AttentionLoss(BertOutput student, BertOutput teacher, BertBatch batch) =>
        DistillationLoss.AddAttentionMse(Tensor.Scalar(0f), student, teacher, batch, "binarybert");

    private static Tensor LogitLoss(BertOutput student, BertOutput teacher) => DistillationLoss.SoftCrossEntropy(student, teacher, "binarybert");
}
