using EdgeBert.Trainer.Autograd;
using EdgeBert.Trainer.Model;
using EdgeBert.Trainer.Training;

namespace EdgeBert.Trainer.Distillation;

/// <summary>
/// TernaryBERT's distillation objective (METHODS.md §1.4): Σ MSE of every hidden state (embedding
/// output included) + Σ MSE of every layer's pre-softmax attention scores + soft cross-entropy of the
/// student's logits against the teacher's softmax (<see cref="DistillationLoss"/>). Padding is zeroed
/// on both sides before the MSEs, so it contributes nothing. Student and teacher must have the same
/// depth and width.
/// </summary>
public sealed class DistillationTask(BertModel teacher, IReadOnlyList<EncodedExample> train, IReadOnlyList<EncodedExample> dev, int batchSize, long seed, int padId, string metric = "accuracy")
    : TeacherStudentTask("distill", teacher, train, dev, batchSize, seed, padId, metric)
{
    /// <inheritdoc />
    protected override Tensor Loss(BertOutput student, BertOutput teacher, BertBatch batch) => DistillationLoss.Compute(student, teacher, batch);
}
